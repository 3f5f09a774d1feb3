using System.CommandLine;
using System.Text.Json;
using NovaOps.Cli;
using NovaOps.Cli.Commands;

namespace NovaOps.Cli.Tests;

/// <summary><c>eval rca</c> on PetShop's development scenario (../shared/datasets beside the clone).</summary>
public sealed class EvalRcaCommandTests : IDisposable
{
    private static readonly NovaOpsSettings Settings = NovaOpsSettings.Load();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-rca-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string PetShop() => NovaOps.Tests.Shared.SharedDatasets.Require("petshop-dev", "PetShop development scenario");

    private static Task<int> Run(params string[] args) =>
        EvalRcaCommand.Create(Settings, new Spectre.Console.Testing.TestConsole()).Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });

    [Fact]
    public async Task Writes_one_object_per_method_and_split()
    {
        string json = Path.Combine(_dir.FullName, "rca.json");
        Assert.Equal(0, await Run("--dataset", PetShop(), "--json", json));
        var scores = JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().ToList();
        Assert.Equal(8, scores.Count); // 4 methods × train, test
        Assert.Equal(["combined", "nsigma", "pagerank", "timing"], scores.Select(s => s.GetProperty("method").GetString()).Distinct().Order());
        foreach (var s in scores)
        {
            Assert.InRange(s.GetProperty("ac1").GetDouble(), 0, 1);
            Assert.True(s.GetProperty("ac3").GetDouble() >= s.GetProperty("ac1").GetDouble());
            Assert.Equal(s.GetProperty("split").GetString() == "train" ? 8 : 18, s.GetProperty("cases").GetInt32());
            Assert.True(s.TryGetProperty("avg5", out _));
        }
    }

    [Fact]
    public async Task A_missing_dataset_or_unknown_method_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<CliException>(() => Run("--dataset", _dir.FullName, "--method", "magic"));
        Assert.Contains("unknown --method", e.Message);
        e = await Assert.ThrowsAsync<CliException>(() => Run("--dataset", Path.Combine(_dir.FullName, "none")));
        Assert.Contains("cannot read the dataset", e.Message);
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "empty"));
        File.WriteAllText(Path.Combine(_dir.FullName, "empty", "graph.csv"), "x\n");
        e = await Assert.ThrowsAsync<CliException>(() => Run("--dataset", Path.Combine(_dir.FullName, "empty")));
        Assert.Contains("graph.csv", e.Message);
    }
}
