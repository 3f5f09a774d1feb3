namespace NovaOps.Onnx.Layers;

/// <summary>
/// A fully connected layer in PyTorch layout: <c>y = x·Wᵀ + b</c>, <see cref="Weight"/> row-major
/// [<see cref="Out"/>, <see cref="In"/>] (as <c>nn.Linear.weight</c>).
/// </summary>
public sealed record LinearWeights(int In, int Out, float[] Weight, float[] Bias)
{
    public void Validate(string name)
    {
        Require(name, "weight", Weight, In * Out);
        Require(name, "bias", Bias, Out);
    }

    internal static void RequireRecurrent(string name, int gates, int input, int hidden, float[] ih, float[] hh, float[] bih, float[] bhh)
    {
        Require(name, "weight_ih", ih, gates * hidden * input);
        Require(name, "weight_hh", hh, gates * hidden * hidden);
        Require(name, "bias_ih", bih, gates * hidden);
        Require(name, "bias_hh", bhh, gates * hidden);
    }

    internal static void Require(string layer, string what, float[] values, int expected)
    {
        if (values.Length != expected)
            throw new ArgumentException($"{layer}: {what} has {values.Length} values, expected {expected}");
        foreach (var v in values)
            if (!float.IsFinite(v)) throw new ArgumentException($"{layer}: {what} holds a non-finite value");
    }
}

/// <summary>
/// One GRU layer in PyTorch layout (<c>nn.GRU</c>, one direction): <see cref="WeightIh"/> [3H, In] and
/// <see cref="WeightHh"/> [3H, H] with the gates stacked <c>[r, z, n]</c>; biases [3H] in the same order.
/// </summary>
public sealed record GruWeights(int In, int Hidden, float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh)
{
    public void Validate(string name) => LinearWeights.RequireRecurrent(name, 3, In, Hidden, WeightIh, WeightHh, BiasIh, BiasHh);
}

/// <summary>
/// One LSTM layer in PyTorch layout (<c>nn.LSTM</c>, one direction): <see cref="WeightIh"/> [4H, In] and
/// <see cref="WeightHh"/> [4H, H] with the gates stacked <c>[i, f, g, o]</c>; biases [4H] in the same order.
/// </summary>
public sealed record LstmWeights(int In, int Hidden, float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh)
{
    public void Validate(string name) => LinearWeights.RequireRecurrent(name, 4, In, Hidden, WeightIh, WeightHh, BiasIh, BiasHh);
}

/// <summary>
/// Per-feature standardisation <c>(x - mean) / std</c>, fitted on the training split, then clipped to
/// ±<see cref="Clip"/> (when set): a fault can push a robust z-score into the thousands, which would
/// saturate a recurrent cell and dominate a squared error.
/// </summary>
public sealed record Standardization(float[] Mean, float[] Std, float? Clip = null)
{
    public void Validate(int features)
    {
        LinearWeights.Require("standardization", "mean", Mean, features);
        LinearWeights.Require("standardization", "std", Std, features);
        if (Std.Any(s => s <= 0)) throw new ArgumentException("standardization: std must be positive");
        if (Clip is { } c && !(c > 0 && float.IsFinite(c))) throw new ArgumentException("standardization: clip must be positive");
    }
}
