using System.Diagnostics;
using System.Text.Json.Serialization;
using NovaOps.Broker;
using NovaOps.Chaos.Campaign;
using NovaOps.Simulator;
using NovaOps.Simulator.Emit;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Cli.Bench;

/// <summary>One service process of the region under load.</summary>
public sealed record ScaleAppFigures(
    [property: JsonPropertyName("memory_bytes")] long MemoryBytes,
    [property: JsonPropertyName("peak_memory_bytes")] long PeakMemoryBytes,
    [property: JsonPropertyName("idle_memory_bytes")] long IdleMemoryBytes,
    [property: JsonPropertyName("state_bytes_per_vm")] double StateBytesPerVm);

/// <summary>The anomaly app's position every few seconds.</summary>
public sealed record ScaleLagPoint(
    [property: JsonPropertyName("t_s")] double Seconds,
    [property: JsonPropertyName("published")] long Published,
    [property: JsonPropertyName("processed")] long Processed,
    [property: JsonPropertyName("lag")] long Lag);

public sealed record ScaleBenchResult(
    [property: JsonPropertyName("vms")] int Vms,
    [property: JsonPropertyName("simulated_hours")] double SimulatedHours,
    [property: JsonPropertyName("sample_interval_s")] double SampleIntervalSeconds,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("samples_per_s")] double SamplesPerSecond,
    [property: JsonPropertyName("publish_rate_limit")] double PublishRateLimit,
    [property: JsonPropertyName("max_lag")] long MaxLag,
    [property: JsonPropertyName("lag_bound")] long LagBound,
    [property: JsonPropertyName("lag_bounded")] bool LagBounded,
    [property: JsonPropertyName("partitions")] int Partitions,
    [property: JsonPropertyName("wall_s")] double WallSeconds,
    [property: JsonPropertyName("apps")] IReadOnlyDictionary<string, ScaleAppFigures> Apps,
    [property: JsonPropertyName("lag_over_time")] IReadOnlyList<ScaleLagPoint> LagOverTime,
    [property: JsonPropertyName("completed")] bool Completed = true,
    [property: JsonPropertyName("stopped")] string? Stopped = null,
    [property: JsonPropertyName("dropped_by_broker")] long DroppedByBroker = 0);

/// <summary>
/// A region under a fleet's load, as it runs: the embedded broker in this process, the anomaly app, the RCA app, the
/// remediation executor (dry run) and the placement service as separate <c>novaops run</c> processes, and the simulator
/// publishing <c>vms</c> VMs' telemetry at one sample per VM per simulated minute, with the fleet's topology, hosts and
/// VM inventory. Measured: the rate at which the anomaly app takes samples in (its own count), its lag over time, and each
/// service's resident memory before the fleet arrives and at the end (the growth per VM is its state per VM, with what
/// the runtime keeps around it).
/// </summary>
public sealed class ScaleBenchmark(NovaOpsSettings settings)
{
    private static readonly TimeSpan Sampling = TimeSpan.FromSeconds(2);
    private static readonly string[] Services = ["anomaly", "rca", "remediation", "placement"];

    public async Task<ScaleBenchResult> RunAsync(int vms, double minutes, double rate, int partitions, Action<string> status, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var region = settings with { Kafka = settings.Kafka with { TopicPrefix = $"scale-{Guid.NewGuid():N}"[..14], Partitions = partitions, BootstrapServers = "" } };
        var topics = region.Kafka.Topics;
        using var kafka = KafkaConnection.Open(null);
        status($"creating the region's topics ({partitions} partitions)");
        await RegionTopics.EnsureAsync(kafka.Topics, region, ct);

        var services = Services.ToDictionary(app => app, app => new ServiceProcess(app, (a, port) =>
            ServiceCommands.Run(a, port, kafka.Client.BootstrapServers, region, Path.Combine(Path.GetTempPath(), $"novaops-scale-{a}-{Guid.NewGuid():N}"),
                a == "remediation" ? ["--dry-run"] : null)));
        try
        {
            foreach (var service in services.Values)
            {
                status($"starting novaops run {service.App}");
                await service.StartAsync(ct);
            }
            var anomaly = services["anomaly"];
            var idle = services.ToDictionary(p => p.Key, p => p.Value.Memory().Rss);
            // Telemetry the anomaly app has taken in (its own count); the last answer stands while it does not answer.
            long taken = 0;
            async Task<long> TakenAsync(CancellationToken token) =>
                taken = Math.Max(taken, (long)(await anomaly.RecordsInAsync(token, topics.Telemetry) ?? 0));

            long ticks = (long)Math.Ceiling(minutes);
            var fleet = new FleetLayout(new SimulatorOptions { Vms = vms, SampleInterval = TimeSpan.FromMinutes(1) }.EndingAt(DateTimeOffset.UtcNow, ticks));
            // Simulated time as fast as the anomaly app keeps up: a minute is published once the app is at most one
            // minute (one sample per VM) behind.
            var emitter = new TelemetryEmitter(new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, ticks)), topics, kafka.Client,
                new EmitterOptions
                {
                    Ticks = ticks, RecordsPerSecond = rate, AcceptCommands = true,
                    BeforeTick = async (published, token) =>
                    {
                        while (published - await TakenAsync(token) > vms) await Task.Delay(50, token);
                    },
                });
            long expected = (long)vms * ticks;
            var points = new List<ScaleLagPoint>();
            status($"publishing {expected:N0} samples of {vms:N0} VMs");
            using var emitting = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var run = emitter.RunAsync(emitting.Token);
            var clock = Stopwatch.StartNew();
            long lastProcessed = -1;
            var sinceProgress = Stopwatch.StartNew();
            string? stalled = null;
            long dropped = 0;
            while (true)
            {
                await Task.WhenAny(run, Task.Delay(Sampling, ct));
                long published = emitter.Progress.Records, processed = await TakenAsync(ct);
                points.Add(new ScaleLagPoint(Math.Round(clock.Elapsed.TotalSeconds, 1), published, processed, published - processed));
                if (services.Values.FirstOrDefault(s => !s.Running) is { } stopped)
                    throw new InvalidOperationException($"novaops run {stopped.App} exited with code {stopped.ExitCode} under load: {stopped.LastErrors}");
                status($"published {emitter.Progress.Records:N0} of {expected:N0}, scored {processed:N0}, lag {published - processed:N0}");
                if (processed != lastProcessed) { lastProcessed = processed; sinceProgress.Restart(); }
                if (run.IsCompleted && processed >= expected) break;
                if (sinceProgress.Elapsed > TimeSpan.FromSeconds(120))
                {
                    // The figures so far stand, with why the run stopped: records the broker dropped before the app read
                    // them (the embedded one keeps ~5 MiB a partition) are never taken in.
                    dropped = DroppedBeforeRead(kafka.Client, topics.Telemetry, partitions, region.Anomaly.ApplicationId);
                    stalled = $"the anomaly app took no sample for 120 s at {processed:N0} of {expected:N0}"
                        + (dropped > 0 ? $"; the broker had dropped {dropped:N0} samples before the app read them (its retention; more partitions spread them)" : "");
                    break;
                }
            }
            if (stalled is not null) emitting.Cancel();
            try { await run; }
            catch (OperationCanceledException) when (stalled is not null) { }
            var apps = services.ToDictionary(p => p.Key, p =>
            {
                var (rss, peak) = p.Value.Memory(); // VmHWM: the process's peak since it started
                return new ScaleAppFigures(rss, peak, idle[p.Key], Math.Round((rss - idle[p.Key]) / (double)vms, 1));
            });
            // From the first sample taken to the last: the anomaly app's sustained rate.
            var moving = points.Where(pt => pt.Processed > 0).ToList();
            double span = moving.Count > 1 ? moving[^1].Seconds - moving[0].Seconds : clock.Elapsed.TotalSeconds;
            double perSecond = moving.Count > 1 ? (moving[^1].Processed - moving[0].Processed) / Math.Max(span, 1e-3) : expected / span;
            long maxLag = points.Max(pt => pt.Lag);
            // Bounded: never more than two simulated minutes (two samples per VM) behind the simulator, which holds the
            // next minute back while the app is more than one behind.
            long bound = 2L * vms;
            return new ScaleBenchResult(vms, Math.Round(ticks / 60.0, 3), 60, emitter.Progress.Records, Math.Round(perSecond), rate, maxLag, bound, maxLag <= bound,
                partitions, Math.Round(wall.Elapsed.TotalSeconds, 1), apps, points, stalled is null, stalled, dropped);
        }
        finally
        {
            foreach (var service in services.Values) service.Dispose();
        }
    }

    /// <summary>Samples of <paramref name="topic"/> below the broker's first offset that the group had not committed past.</summary>
    private static long DroppedBeforeRead(NovaOps.Kafka.KafkaClientOptions kafka, string topic, int partitions, string group)
    {
        var wait = TimeSpan.FromSeconds(10);
        using var consumer = new Confluent.Kafka.ConsumerBuilder<byte[], byte[]>(kafka.Apply(new Confluent.Kafka.ConsumerConfig { GroupId = group, EnableAutoCommit = false })).Build();
        var all = Enumerable.Range(0, partitions).Select(p => new Confluent.Kafka.TopicPartition(topic, p)).ToList();
        long dropped = 0;
        foreach (var committed in consumer.Committed(all, wait))
        {
            long first = consumer.QueryWatermarkOffsets(committed.TopicPartition, wait).Low.Value;
            long read = committed.Offset.Value < 0 ? 0 : committed.Offset.Value;
            dropped += Math.Max(0, first - read);
        }
        return dropped;
    }
}
