using NovaOps.Onnx.Graph;
using Onnx;

namespace NovaOps.Onnx.Layers;

/// <summary>The layer types our models use, written as ONNX ops. Each takes a value name and returns the result's name.</summary>
public static class OnnxLayers
{
    // PyTorch stacks GRU gates [r, z, n]; ONNX wants [z, r, h]. LSTM: PyTorch [i, f, g, o], ONNX [i, o, f, c].
    private static readonly int[] GruGateOrder = [1, 0, 2];
    private static readonly int[] LstmGateOrder = [0, 3, 1, 2];

    /// <summary><c>(x - mean) / std</c> along the last axis.</summary>
    public static string Standardize(this OnnxGraph g, string x, Standardization s, string name = "standardize")
    {
        s.Validate(s.Mean.Length);
        var mean = g.Constant($"{name}_mean", s.Mean, s.Mean.Length);
        var std = g.Constant($"{name}_std", s.Std, s.Std.Length);
        var z = g.Node("Div", [g.Node("Sub", [x, mean]), std], name: s.Clip is null ? name : null);
        if (s.Clip is not { } c) return z;
        return g.Node("Clip", [z, g.Constant($"{name}_min", [-c]), g.Constant($"{name}_max", [c])], name: name);
    }

    /// <summary><c>x·Wᵀ + b</c> for x of shape [batch, In] (Gemm with transB, so the PyTorch weight is stored as is).</summary>
    public static string Linear(this OnnxGraph g, string x, LinearWeights w, string name = "linear")
    {
        w.Validate(name);
        var weight = g.Constant($"{name}_weight", w.Weight, w.Out, w.In);
        var bias = g.Constant($"{name}_bias", w.Bias, w.Out);
        return g.Node("Gemm", [x, weight, bias], [Attr.Int("transB", 1)], name);
    }

    public static string Relu(this OnnxGraph g, string x) => g.Node("Relu", [x]);
    public static string Tanh(this OnnxGraph g, string x) => g.Node("Tanh", [x]);
    public static string Sigmoid(this OnnxGraph g, string x) => g.Node("Sigmoid", [x]);

    /// <summary>Batch-first [batch, seq, features] to the sequence-first layout ONNX Runtime's RNN ops accept (it rejects layout=1).</summary>
    public static string SequenceFirst(this OnnxGraph g, string batchFirst) =>
        g.Node("Transpose", [batchFirst], [Attr.Ints("perm", 1, 0, 2)]);

    /// <summary>
    /// A GRU layer over x [seq, batch, In]; returns Y [seq, batch, H] (for a next layer) and the last
    /// hidden state [batch, H]. <c>linear_before_reset=1</c> is PyTorch's formulation of the new gate.
    /// </summary>
    public static (string Sequence, string Last) Gru(this OnnxGraph g, string x, GruWeights w, string name = "gru")
    {
        w.Validate(name);
        return Recurrent(g, "GRU", x, w.In, w.Hidden, GruGateOrder, w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, name,
            Attr.Int("linear_before_reset", 1));
    }

    /// <summary>An LSTM layer over x [seq, batch, In]; returns Y [seq, batch, H] and the last hidden state [batch, H].</summary>
    public static (string Sequence, string Last) Lstm(this OnnxGraph g, string x, LstmWeights w, string name = "lstm")
    {
        w.Validate(name);
        return Recurrent(g, "LSTM", x, w.In, w.Hidden, LstmGateOrder, w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, name);
    }

    // ONNX's RNN ops share a layout: W [1, gates·H, In], R [1, gates·H, H], B [1, 2·gates·H] (input biases, then
    // recurrence biases), outputs Y [seq, 1, batch, H] and Y_h [1, batch, H] first.
    private static (string Sequence, string Last) Recurrent(OnnxGraph g, string op, string x, int input, int h, int[] order,
        float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh, string name, params AttributeProto[] extra)
    {
        int gates = order.Length;
        var weight = g.Constant($"{name}_W", ReorderGates(weightIh, order, h * input), 1, gates * h, input);
        var recurrence = g.Constant($"{name}_R", ReorderGates(weightHh, order, h * h), 1, gates * h, h);
        var bias = g.Constant($"{name}_B", [.. ReorderGates(biasIh, order, h), .. ReorderGates(biasHh, order, h)], 1, 2 * gates * h);
        var outputs = g.Node(op, [x, weight, recurrence, bias], op == "LSTM" ? 3 : 2, [Attr.Int("hidden_size", h), .. extra], name);
        return (DropDirection(g, outputs[0], 1), DropDirection(g, outputs[1], 0));
    }

    /// <summary>The mean over the last axis of the squared difference: per-row reconstruction error [batch].</summary>
    public static (string PerFeature, string PerRow) SquaredError(this OnnxGraph g, string a, string b)
    {
        var diff = g.Node("Sub", [a, b]);
        var squared = g.Node("Mul", [diff, diff]);
        var mean = g.Node("ReduceMean", [squared], [Attr.Ints("axes", -1), Attr.Int("keepdims", 0)]);
        return (squared, mean);
    }

    // RNN outputs carry a num_directions axis of size 1 (axis 1 of Y, axis 0 of Y_h): squeeze it away.
    private static string DropDirection(OnnxGraph g, string value, long axis) =>
        g.Node("Squeeze", [value, g.Int64Constant("axis", axis)]);

    /// <summary>Permutes blocks of <paramref name="blockLength"/> values: block k of the result is block order[k] of the source.</summary>
    public static float[] ReorderGates(float[] source, IReadOnlyList<int> order, int blockLength)
    {
        if (source.Length != order.Count * blockLength) throw new ArgumentException($"{source.Length} values are not {order.Count} gates of {blockLength}");
        var result = new float[source.Length];
        for (int k = 0; k < order.Count; k++)
            Array.Copy(source, order[k] * blockLength, result, k * blockLength, blockLength);
        return result;
    }
}
