using System.CommandLine;
using NovaOps.Broker;
using NovaOps.Cli.Commands;
using NovaOps.Contracts;
using NovaOps.Datasets;
using NovaOps.Simulator;
using NovaOps.Simulator.Emit;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;
using Spectre.Console.Testing;

namespace NovaOps.Cli.Tests;

/// <summary><c>novaops record</c> on the embedded broker: what the region's topics carry, into a folder a model trains from.</summary>
public sealed class RecordCommandTests : IDisposable
{
    private static readonly NovaOpsSettings Settings = NovaOpsSettings.Load();
    private readonly EmbeddedKafkaCluster _cluster = new();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-record-");

    public void Dispose()
    {
        _cluster.Dispose();
        _dir.Delete(recursive: true);
    }

    /// <summary>What the last invocation printed (each invocation writes to a console of its own).</summary>
    private TestConsole _console = new();

    private Task<int> Record(params string[] args)
    {
        _console = new TestConsole();
        return RecordCommand.Create(Settings, _console).Parse(["--bootstrap-servers", _cluster.BootstrapServers, .. args])
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, TestContext.Current.CancellationToken);
    }

    private async Task<EmitterProgress> Simulate(SimulatorOptions options, long ticks, int malformedPerMillion = 0)
    {
        var fleet = new FleetLayout(options);
        var emitter = new TelemetryEmitter(new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, ticks)), Settings.Kafka.Topics, _cluster.BootstrapServers,
            new EmitterOptions { Ticks = ticks, MalformedPerMillion = malformedPerMillion });
        await emitter.RunAsync(TestContext.Current.CancellationToken);
        return emitter.Progress;
    }

    [Fact]
    public async Task A_recording_of_the_topics_gives_the_dataset_the_simulator_builds_in_process()
    {
        await RegionTopics.EnsureAsync(new EmbeddedTopicProvisioner(_cluster), Settings, TestContext.Current.CancellationToken);
        var fleet = new SimulatorOptions { Seed = 11, Vms = 48, FaultsPerHour = 30, FaultFreePrefix = TimeSpan.FromMinutes(20) };
        var published = await Simulate(fleet, 720);

        Assert.Equal(0, await Record("--out", _dir.FullName, "--idle", "2"));
        Assert.Contains("telemetry samples", _console.Output);
        Assert.Contains($"{published.Records:N0} (telemetry.jsonl.gz", _console.Output);

        // Over Kafka's partitions and back: the same windows with the same labels as the in-process simulator dataset.
        var recorded = TelemetryDatasets.FromFolder(_dir.FullName);
        Assert.Equal(published.Records.ToString(), recorded.Source.Parameters["samples"]);
        Assert.Equal(published.FaultsStarted.ToString(), recorded.Source.Parameters["faults"]);
        Assert.Equal(SimulatorDatasets.Build(fleet, 720).ContentHash(), recorded.ContentHash());

        // Its provenance: the cluster and every offset read, on the card of a model trained on it.
        var manifest = RecordingManifest.Read(_dir.FullName)!;
        Assert.Equal(_cluster.BootstrapServers, manifest.BootstrapServers);
        Assert.Equal(published.Records, manifest.Samples);
        Assert.Equal("Idle", manifest.StoppedBecause);
        var telemetry = manifest.Partitions.Where(p => p.Topic == Settings.Kafka.Topics.Telemetry).ToList();
        Assert.Equal(Settings.Kafka.Partitions, telemetry.Count); // 48 VMs keyed over every partition
        Assert.Equal(published.Records, telemetry.Sum(p => p.LastOffset - p.FirstOffset + 1));
        Assert.Contains($"{Settings.Kafka.Topics.Telemetry}[0:0-", recorded.Source.Parameters["recorded_from"]);

        // A second recording into the same folder would mix two: refused.
        var again = await Assert.ThrowsAsync<CliException>(() => Record("--out", _dir.FullName, "--idle", "1"));
        Assert.Contains("exists", again.Message);
    }

    [Fact]
    public async Task Records_the_stream_apps_would_dead_letter_stay_out_and_are_counted()
    {
        await RegionTopics.EnsureAsync(new EmbeddedTopicProvisioner(_cluster), Settings, TestContext.Current.CancellationToken);
        var published = await Simulate(new SimulatorOptions { Seed = 2, Vms = 20 }, 120, malformedPerMillion: 50_000);
        Assert.True(published.Malformed > 10, $"{published.Malformed} malformed");

        Assert.Equal(0, await Record("--out", _dir.FullName, "--idle", "2"));
        long lines = JsonLines.Read<TelemetrySample>(JsonLines.Find(_dir.FullName, RecordingFiles.Telemetry)!).LongCount();
        Assert.Equal(published.Records - published.Malformed, lines);
    }

    [Fact]
    public async Task A_cluster_without_the_region_topics_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<CliException>(() => Record("--out", _dir.FullName, "--idle", "1"));
        Assert.Contains($"no topic {Settings.Kafka.Topics.Telemetry}", e.Message);
    }
}
