using System.Globalization;
using System.Text.Json;
using NovaOps.Cli.Commands;
using NovaOps.Cli.Tuning;
using Spectre.Console.Testing;

namespace NovaOps.Cli.Tests;

/// <summary><c>eval servers</c> and <c>tune</c> on the ASD development servers, and on small servers written here.</summary>
public sealed class EvalServersCommandTests : IDisposable
{
    private static readonly NovaOpsSettings Settings = NovaOpsSettings.Load();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-servers-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void The_default_multivariate_detector_is_past_pca_on_the_asd_development_servers()
    {
        var asd = new DirectoryInfo(NovaOps.Tests.Shared.SharedDatasets.Require("asd-dev", "ASD development servers"));
        var console = new TestConsole().Width(80);
        string json = Path.Combine(_dir.FullName, "servers.json");

        int code = EvalServersCommand.Create(Settings, console).Parse(["--data", asd.FullName, "--json", json]).Invoke();

        Assert.Equal(0, code);
        Assert.Contains("omi-12", console.Output);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(12, root.GetProperty("servers").GetInt32());
        Assert.Equal(12, root.GetProperty("per_server").GetArrayLength());
        foreach (var key in new[] { "ap", "best_f1", "event_recall", "detector" }) Assert.True(root.TryGetProperty(key, out _), key);
        // The dataset's README: PCA reaches AP 0.267 and best F1 0.343 on these servers.
        Assert.True(root.GetProperty("ap").GetDouble() > 0.267, $"AP {root.GetProperty("ap").GetDouble()}");
        Assert.True(root.GetProperty("best_f1").GetDouble() > 0.343, $"best F1 {root.GetProperty("best_f1").GetDouble()}");
    }

    private void Server(string name, int seed, int anomalyAt)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir.FullName, "corpus", name));
        var rng = new Random(seed);
        string Row(int i, bool anomalous)
        {
            double x = rng.NextDouble();
            double y = anomalous ? 1 - x : x + rng.NextDouble() * 0.05;
            return FormattableString.Invariant($"{1_600_000_000 + 300 * i},{x:F4},{y:F4}");
        }
        File.WriteAllLines(Path.Combine(dir.FullName, "train.csv"), ["timestamp,m0,m1", .. Enumerable.Range(0, 400).Select(i => Row(i, false))]);
        File.WriteAllLines(Path.Combine(dir.FullName, "test.csv"), ["timestamp,m0,m1", .. Enumerable.Range(400, 200).Select(i => Row(i, i - 400 is var r && r >= anomalyAt && r < anomalyAt + 8))]);
        File.WriteAllLines(Path.Combine(dir.FullName, "test_label.csv"),
            ["timestamp,label", .. Enumerable.Range(400, 200).Select(i => $"{1_600_000_000 + 300 * i},{(i - 400 >= anomalyAt && i - 400 < anomalyAt + 8 ? 1 : 0)}")]);
    }

    [Fact]
    public void Eval_and_tune_read_the_server_layout_and_find_a_broken_relation()
    {
        Server("srv-1", 1, 120);
        Server("srv-2", 2, 60);
        Server("srv-3", 3, 150);
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "corpus", "interpretation")); // not a server: skipped
        var corpus = new DirectoryInfo(Path.Combine(_dir.FullName, "corpus"));

        var run = EvalServersCommand.Run(corpus, Settings, "subspace");
        Assert.Equal(["srv-1", "srv-2", "srv-3"], run.PerServer.Select(s => s.Server));
        Assert.All(run.PerServer, s => Assert.Equal(1, s.Segments));
        Assert.True(run.AveragePrecision > 0.5, $"AP {run.AveragePrecision:F3}");
        Assert.Equal(1, run.EventRecall);

        var tuned = TuneCommand.Servers(corpus, Settings, "subspace", folds: 2);
        Assert.Equal(ParameterGrid.For("subspace").Count, tuned.Candidates.Count);
        Assert.Equal(2, tuned.HeldOut.Count);
        Assert.All(tuned.Candidates, c => Assert.Equal(2, c.Folds.Length));
        Assert.Equal(tuned.Candidates.MaxBy(c => c.Folds.Average())!.Label, tuned.Chosen);
    }

    [Fact]
    public void A_server_with_labels_that_do_not_match_its_rows_is_a_clear_error()
    {
        Server("srv-1", 1, 10);
        File.WriteAllLines(Path.Combine(_dir.FullName, "corpus", "srv-1", "test_label.csv"), ["timestamp,label", "1600000000,0"]);
        var e = Assert.Throws<CliException>(() => EvalServersCommand.Run(new DirectoryInfo(Path.Combine(_dir.FullName, "corpus")), Settings));
        Assert.Contains("srv-1: 1 labels for 200 test rows", e.Message);
    }
}
