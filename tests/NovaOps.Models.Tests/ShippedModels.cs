using System.Text.Json;
using System.Text.Json.Nodes;
using NovaOps.Contracts;
using NovaOps.Detection;
using NovaOps.Models.Registry;

namespace NovaOps.Models.Tests;

/// <summary>The models shipped in the repository's models/ folder, and copies of them to tamper with.</summary>
internal static class ShippedModels
{
    public static readonly RunningFeatures Running = new(new FeatureSchema(MetricNames.Standard), TimeSpan.FromMinutes(1));

    public static string Directory { get; } = NovaOps.Tests.Shared.Repository.Path("models");

    /// <summary>A temporary models folder holding <paramref name="name"/> version 1 as shipped.</summary>
    public static string CopyToTemp(string name)
    {
        string root = Path.Combine(Path.GetTempPath(), $"novaops-models-{Guid.NewGuid():N}");
        CopyVersion(Path.Combine(Directory, name, "1"), Path.Combine(root, name, "1"));
        return root;
    }

    public static void CopyVersion(string from, string to, Action<JsonObject>? editCard = null)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var f in System.IO.Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(to, ModelLoader.CardFile)))!.AsObject();
        card["version"] = Path.GetFileName(to);
        editCard?.Invoke(card);
        File.WriteAllText(Path.Combine(to, ModelLoader.CardFile), card.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Writes into <paramref name="dir"/> (a copy of the anomaly model) a graph that loads, with the card's shapes,
    /// but runs only on batches of one row: its input is reshaped to a fixed [1, features] before the rest of the graph.
    /// </summary>
    public static void MakeRunOnlyOnSingleRows(string dir)
    {
        string file = Path.Combine(dir, "model.onnx");
        var model = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(file));
        var graph = model.Graph;
        string input = graph.Input[0].Name;
        long features = graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue;
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == input) node.Input[i] = "single_row";
        var shape = new global::Onnx.TensorProto { Name = "single_row_shape", DataType = (int)global::Onnx.TensorProto.Types.DataType.Int64 };
        shape.Dims.Add(2);
        shape.Int64Data.Add([1, features]);
        graph.Initializer.Add(shape);
        var reshape = new global::Onnx.NodeProto { OpType = "Reshape", Name = "single_row" };
        reshape.Input.Add([input, "single_row_shape"]);
        reshape.Output.Add("single_row");
        graph.Node.Insert(0, reshape);
        using (var output = File.Create(file)) Google.Protobuf.MessageExtensions.WriteTo(model, output);
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ModelLoader.CardFile)))!.AsObject();
        card["onnx"]!["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));
        File.WriteAllText(Path.Combine(dir, ModelLoader.CardFile), card.ToJsonString());
    }
}
