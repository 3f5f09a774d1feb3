using Google.Protobuf;
using Onnx;

namespace NovaOps.Onnx.Graph;

/// <summary>
/// Builds one ONNX graph: inputs, initialisers (weights), nodes and outputs, then the model around it.
/// Names are made unique here so that layer helpers can be chained without bookkeeping.
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>Opset the exporter targets: ONNX Runtime 1.31 runs it, and its ops (ReduceMean with an axes attribute, GRU/LSTM) are stable there.</summary>
    public const int Opset = 17;

    /// <summary>The name of the dynamic batch dimension on every input and output.</summary>
    public const string BatchDim = "batch";

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public OnnxGraph(string name) => _graph = new GraphProto { Name = name };

    /// <summary>A float input; a dimension of -1 is the dynamic batch.</summary>
    public string Input(string name, params long[] dims)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, dims));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as a graph output called <paramref name="name"/> (an Identity renames it if needed).</summary>
    public string Output(string value, string name, params long[] dims)
    {
        if (value != name) value = Node("Identity", [value], name: name);
        _graph.Output.Add(ValueInfo(value, dims));
        return value;
    }

    /// <summary>A float tensor stored in the model (weights, normalisation constants).</summary>
    public string Constant(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (count != values.Length) throw new ArgumentException($"initialiser {name}: {values.Length} values for shape [{string.Join(",", dims)}]");
        name = Unique(name);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // Raw little-endian bytes: compact and what ONNX Runtime reads fastest.
        var bytes = new byte[values.Length * sizeof(float)];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).CopyTo(bytes);
        tensor.RawData = ByteString.CopyFrom(bytes);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>An int64 tensor stored in the model (shapes, axes).</summary>
    public string Int64Constant(string name, params long[] values)
    {
        name = Unique(name);
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<AttributeProto>? attributes = null, string? name = null) =>
        Node(opType, inputs, 1, attributes, name)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs and returns their names.</summary>
    public string[] Node(string opType, IReadOnlyList<string> inputs, int outputs, IReadOnlyList<AttributeProto>? attributes = null, string? name = null)
    {
        string nodeName = Unique(name ?? opType.ToLowerInvariant());
        var node = new NodeProto { OpType = opType, Name = nodeName };
        node.Input.AddRange(inputs);
        var names = new string[outputs];
        for (int i = 0; i < outputs; i++)
        {
            names[i] = i == 0 && name is not null ? nodeName : Unique($"{nodeName}_out{i}");
            node.Output.Add(names[i]);
        }
        if (attributes is not null) node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return names;
    }

    /// <summary>The model: this graph, opset 17, with producer metadata.</summary>
    public ModelProto ToModel(string producer, string version, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var model = new ModelProto
        {
            IrVersion = 8, // the IR version of opset 17
            ProducerName = producer,
            ProducerVersion = version,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>())
            model.MetadataProps.Add(new StringStringEntryProto { Key = k, Value = v });
        return model;
    }

    private static ValueInfoProto ValueInfo(string name, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = BatchDim } : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private void Claim(string name)
    {
        if (!_names.Add(name)) throw new ArgumentException($"name {name} is used twice in the graph");
    }

    private string Unique(string stem)
    {
        string name = stem;
        while (_names.Contains(name))
        {
            int n = _counters.GetValueOrDefault(stem) + 1;
            _counters[stem] = n;
            name = $"{stem}_{n}";
        }
        _names.Add(name);
        return name;
    }
}

/// <summary>Attribute helpers for <see cref="OnnxGraph.Node(string, IReadOnlyList{string}, IReadOnlyList{AttributeProto}?, string?)"/>.</summary>
public static class Attr
{
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
