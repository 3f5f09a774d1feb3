using NovaOps.Streams.Hosting;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Confluent.Kafka;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Observability;
using NovaOps.Simulator;
using NovaOps.Simulator.Emit;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;
using NovaOps.Streams.Anomaly;
using NovaOps.Kafka;

namespace NovaOps.Cli.Bench;

public sealed record PipelineBenchResult(
    [property: JsonPropertyName("records")] long Records,
    [property: JsonPropertyName("partitions")] int Partitions,
    [property: JsonPropertyName("raw_consume_per_s")] double RawConsumePerSecond,
    [property: JsonPropertyName("pipeline_per_s")] double PipelinePerSecond,
    [property: JsonPropertyName("ratio")] double Ratio,
    [property: JsonPropertyName("stream_threads")] int StreamThreads,
    [property: JsonPropertyName("streamiz_noop_per_s")] double StreamizNoopPerSecond,
    [property: JsonPropertyName("streamiz_noop_ratio")] double StreamizNoopRatio,
    [property: JsonPropertyName("rounds")] int Rounds,
    [property: JsonPropertyName("raw_consume_rounds")] IReadOnlyList<double> RawRounds,
    [property: JsonPropertyName("streamiz_noop_rounds")] IReadOnlyList<double> NoopRounds,
    [property: JsonPropertyName("pipeline_rounds")] IReadOnlyList<double> PipelineRounds,
    [property: JsonPropertyName("detector")] string Detector,
    [property: JsonPropertyName("raw_consumers")] int RawConsumers,
    [property: JsonPropertyName("ratio_rounds")] IReadOnlyList<double> RatioRounds,
    [property: JsonPropertyName("streamiz_noop_ratio_rounds")] IReadOnlyList<double> NoopRatioRounds,
    [property: JsonPropertyName("state_bytes_per_vm")] int StateBytesPerVm);

/// <summary>
/// The same N telemetry records on the embedded broker, read (a) by a plain Confluent.Kafka consumer
/// and (b) by the anomaly topology end to end (decode, validate, window, score, state store, sinks).
/// Both rates run from the first record to the N-th, so group joins and start-up are left out of both.
/// A third reading, a Streamiz topology that only counts records, shows the framework's own ceiling
/// on the same records: what no topology logic can beat. The plain consumers are as many as the topology has stream
/// threads, each on its own thread with its share of the partitions, so both sides use the same cores. The three run
/// in turn for several rounds (this machine's figures wander by a third from run to run): the ratios are taken within
/// each round, on the same records, and their median is reported, with the median rates beside them.
/// </summary>
public sealed class PipelineBenchmark(NovaOpsSettings settings)
{
    public async Task<PipelineBenchResult> RunAsync(long records, int rounds, NovaOps.Kafka.KafkaClientOptions? cluster, Action<string> status, CancellationToken ct)
    {
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds));
        var topics = new TopicNames($"bench-{Guid.NewGuid():N}"[..14]);
        // Each round's app is a new consumer group with its own state changelog.
        var appOptions = Enumerable.Range(0, rounds).Select(r => settings.Anomaly with { ApplicationId = $"{topics.Prefix}-anomaly-{r}" }).ToList();
        using var kafka = KafkaConnection.Open(cluster);
        var (total, partitions) = await BenchRecords.ProduceAsync(kafka, topics, appOptions, records, status, ct);

        List<double> raws = [], noops = [], pipelines = [];
        int stateBytes = 0;
        for (int r = 0; r < rounds; r++)
        {
            status($"round {r + 1}/{rounds}: raw consume");
            raws.Add(Math.Round(RawConsume(kafka.Client, topics.Telemetry, partitions, settings.Streams.Threads, total, ct)));
            status($"round {r + 1}/{rounds}: Streamiz no-op topology");
            noops.Add(Math.Round(await StreamizNoop(kafka, topics, $"{topics.Prefix}-noop-{r}", total, ct)));
            status($"round {r + 1}/{rounds}: anomaly topology");
            var (rate, bytes) = await Pipeline(kafka, topics, appOptions[r], total, ct);
            pipelines.Add(Math.Round(rate));
            stateBytes = bytes;
        }
        double raw = Median(raws), noop = Median(noops), pipeline = Median(pipelines);
        var ratios = pipelines.Select((p, r) => Math.Round(p / raws[r], 3)).ToList();
        var noopRatios = noops.Select((p, r) => Math.Round(p / raws[r], 3)).ToList();
        return new PipelineBenchResult(total, partitions, raw, pipeline, Median(ratios), settings.Streams.Threads,
            noop, Median(noopRatios), rounds, raws, noops, pipelines,
            Describe(settings.Anomaly), settings.Streams.Threads, ratios, noopRatios, stateBytes);
    }

    /// <summary>What the measured app runs, e.g. "onnx (anomaly-autoencoder) + predictions (incident-gru)".</summary>
    private static string Describe(AnomalyTopologyOptions anomaly)
    {
        string detector = Streams.Anomaly.Scoring.DetectorModes.UsesModel(anomaly.Detector)
            ? $"{anomaly.Detector.ToString().ToLowerInvariant()} ({anomaly.Model.Name})" : anomaly.Detector.ToString().ToLowerInvariant();
        return anomaly.Prediction.Enabled ? $"{detector} + predictions ({anomaly.Prediction.Model.Name})" : detector;
    }

    /// <summary>The median of a benchmark's runs (there is always one at least).</summary>
    internal static double Median(List<double> values) => Evaluation.Statistics.Median.Of(values) ?? throw new ArgumentException("no runs");

    /// <summary>
    /// <paramref name="consumers"/> plain consumers, one thread each, the partitions dealt out among them by assignment
    /// (no group join to wait for); records per second from the first record any of them reads to the n-th.
    /// </summary>
    private static double RawConsume(KafkaClientOptions kafka, string topic, int partitions, int consumers, long n, CancellationToken ct)
    {
        long seen = 0;
        long firstTick = 0, lastTick = 0;
        var deadline = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, Math.Max(1, consumers)).Select(c => new Thread(() =>
        {
            using var consumer = new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig
            {
                GroupId = $"bench-raw-{Guid.NewGuid():N}", EnableAutoCommit = false,
            })).Build();
            consumer.Assign(Enumerable.Range(0, partitions).Where(p => p % consumers == c)
                .Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            while (Interlocked.Read(ref seen) < n && !ct.IsCancellationRequested && deadline.Elapsed < TimeSpan.FromMinutes(5))
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is null) continue;
                Interlocked.CompareExchange(ref firstTick, Stopwatch.GetTimestamp(), 0);
                if (Interlocked.Increment(ref seen) == n) Interlocked.Exchange(ref lastTick, Stopwatch.GetTimestamp());
            }
            consumer.Close();
        }) { IsBackground = true, Name = $"bench-raw-{c}" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (seen < n) throw new InvalidOperationException($"raw consumers read {seen:N0} of {n:N0} records");
        return (n - 1) / Stopwatch.GetElapsedTime(firstTick, lastTick).TotalSeconds;
    }

    private StreamAppOptions StreamsFor(KafkaConnection kafka, string name) => settings.Streams with
    {
        StateDirectory = Path.Combine(settings.Streams.StateDirectory, $"{name}-{Guid.NewGuid():N}"),
        SessionTimeoutMs = kafka.SessionTimeoutMs(settings.Streams.SessionTimeoutMs),
    };

    private async Task<double> StreamizNoop(KafkaConnection kafka, TopicNames topics, string applicationId, long n, CancellationToken ct)
    {
        long seen = 0;
        var builder = new Streamiz.Kafka.Net.StreamBuilder();
        builder.Stream<string, byte[]>(topics.Telemetry).Foreach((_, _, _) => Interlocked.Increment(ref seen));
        var config = AnomalyApp.CreateConfig(kafka.Client, settings.Anomaly with { ApplicationId = applicationId }, StreamsFor(kafka, "noop"), null);
        var stream = new Streamiz.Kafka.Net.KafkaStream(builder.Build(), config);
        try
        {
            await stream.StartAsync(ct);
            return await RateUntil(() => Interlocked.Read(ref seen), n, "the no-op topology", ct);
        }
        finally
        {
            await StreamClose.WithinAsync(stream, TimeSpan.FromMilliseconds(settings.Streams.ShutdownTimeoutMs));
        }
    }

    /// <summary>Records per second from the first counted record to the n-th.</summary>
    internal static async Task<double> RateUntil(Func<long> count, long n, string what, CancellationToken ct)
    {
        var clock = await UntilCounted(count, n, what, ct)
            ?? throw new InvalidOperationException($"{what} had processed all {n:N0} records before they could be timed");
        return (n - 1) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Waits until <paramref name="count"/> reaches <paramref name="n"/>. Fails, rather than waiting on, a run that
    /// stops making progress (a group stuck in rebalancing, a crashed stream thread). Returns a clock started at
    /// the first counted record, or null when all were counted before the first look.
    /// </summary>
    internal static async Task<Stopwatch?> UntilCounted(Func<long> count, long n, string what, CancellationToken ct)
    {
        var stallLimit = TimeSpan.FromSeconds(60);
        Stopwatch? clock = null;
        var sinceProgress = Stopwatch.StartNew();
        long last = 0;
        while (count() < n)
        {
            long now = count();
            if (now != last) { last = now; sinceProgress.Restart(); }
            else if (sinceProgress.Elapsed > stallLimit)
                throw new InvalidOperationException($"{what} made no progress for {stallLimit.TotalSeconds:N0} s at {now:N0} of {n:N0} records");
            if (clock is null && now > 0) clock = Stopwatch.StartNew();
            await Task.Delay(2, ct);
        }
        return clock;
    }

    private async Task<(double Rate, int StateBytesPerVm)> Pipeline(KafkaConnection kafka, TopicNames topics, AnomalyTopologyOptions anomaly, long n, CancellationToken ct)
    {
        var metrics = new PipelineMetrics("bench");
        await using var app = new AnomalyApp(kafka.Client, topics, anomaly, StreamsFor(kafka, "bench"), anomaly.ModelFreeDetector(), metrics);
        var processed = metrics.RecordsIn(topics.Telemetry);
        await app.StartAsync(ct);
        return (await RateUntil(() => (long)processed.Value, n, "the anomaly topology", ct), app.StateBytesPerVm);
    }
}
