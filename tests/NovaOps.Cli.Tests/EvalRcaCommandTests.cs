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
        Assert.Equal(12, scores.Count); // 6 methods × train, test
        Assert.Equal(["combined", "nsigma", "pagerank", "roles", "roles-walk", "timing"], scores.Select(s => s.GetProperty("method").GetString()).Distinct().Order());
        Assert.Equal(["roles-walk", "roles-walk"], scores.Where(s => s.TryGetProperty("default", out var d) && d.GetBoolean()).Select(s => s.GetProperty("method").GetString()));
        foreach (var s in scores)
        {
            Assert.InRange(s.GetProperty("ac1").GetDouble(), 0, 1);
            Assert.True(s.GetProperty("ac3").GetDouble() >= s.GetProperty("ac1").GetDouble());
            Assert.Equal(s.GetProperty("split").GetString() == "train" ? 8 : 18, s.GetProperty("cases").GetInt32());
            Assert.True(s.TryGetProperty("avg5", out _));
            Assert.True(s.GetProperty("ac5").GetDouble() >= s.GetProperty("ac3").GetDouble());
            Assert.True(s.GetProperty("ms_per_case").GetDouble() > 0);
        }
    }

    [Fact]
    public async Task Reads_the_nezha_layout_with_a_split_per_day_one_over_all_and_the_fault_types()
    {
        string nezha = NovaOps.Tests.Shared.SharedDatasets.Require("nezha-ob-dev", "Nezha OnlineBoutique development set");
        string json = Path.Combine(_dir.FullName, "nezha.json");
        Assert.Equal(0, await Run("--dataset", nezha, "--method", "roles-walk", "--no-graph", "--json", json));
        var scores = JsonDocument.Parse(File.ReadAllText(json)).RootElement.EnumerateArray().ToList();
        Assert.Equal(["2022-08-22", "2022-08-23", "all"], scores.Select(s => s.GetProperty("split").GetString()));
        Assert.Equal([24, 32, 56], scores.Select(s => s.GetProperty("cases").GetInt32()));
        Assert.All(scores, s => Assert.True(s.GetProperty("default").GetBoolean()));
        var types = scores[2].GetProperty("by_type").EnumerateObject().ToList();
        Assert.Equal(["cpu_consumed", "cpu_contention", "exception", "network_delay", "return"], types.Select(t => t.Name));
        Assert.Equal(56, types.Sum(t => t.Value.GetProperty("cases").GetInt32()));
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
