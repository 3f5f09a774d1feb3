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
}
