using System.CommandLine;
using System.Text.Json;
using NovaOps.Cli.Commands;
using Spectre.Console.Testing;

namespace NovaOps.Cli.Tests;

/// <summary><c>novaops bench scale</c> on a small region: the four services as processes, every sample taken in, the figures in its JSON.</summary>
public sealed class BenchScaleTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-scale-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_small_region_is_taken_in_whole_with_bounded_lag_and_each_service_measured()
    {
        var settings = NovaOpsSettings.Load() with { Metrics = new NovaOps.Observability.MetricsOptions { Port = 0 } };
        string json = Path.Combine(_dir.FullName, "scale.json");
        int exit = await BenchScaleCommand.Create(settings, new TestConsole()).Parse(["--vms", "300", "--minutes", "4", "--partitions", "4", "--json", json])
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        var r = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.Equal(300, r.GetProperty("vms").GetInt32());
        Assert.Equal(1_200, r.GetProperty("samples").GetInt64());
        Assert.True(r.GetProperty("lag_bounded").GetBoolean(), $"max lag {r.GetProperty("max_lag")}");
        Assert.True(r.GetProperty("samples_per_s").GetDouble() > 0);
        var lag = r.GetProperty("lag_over_time").EnumerateArray().ToList();
        Assert.Equal(1_200, lag[^1].GetProperty("processed").GetInt64()); // every sample taken in by the anomaly app
        var apps = r.GetProperty("apps");
        foreach (var app in new[] { "anomaly", "rca", "remediation", "placement" })
            Assert.True(apps.GetProperty(app).GetProperty("memory_bytes").GetInt64() > 10_000_000, $"{app}: resident memory read from /proc");
    }
}
