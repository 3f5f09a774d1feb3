using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.ML.OnnxRuntime;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Detection;
using NovaOps.Models.Cards;
using NovaOps.Models.Registry;
using NovaOps.Observability;
using NovaOps.Streams.Anomaly;
using NovaOps.Streams.Anomaly.Scoring;

namespace NovaOps.Cli.Bench;

public sealed record InferenceBenchResult(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("standalone_per_s")] double StandalonePerSecond,
    [property: JsonPropertyName("standalone_batch")] int StandaloneBatch,
    [property: JsonPropertyName("standalone_by_batch")] IReadOnlyDictionary<string, double> StandaloneByBatch,
    [property: JsonPropertyName("in_topology_per_s")] double InTopologyPerSecond,
    [property: JsonPropertyName("in_topology_scoring_per_s")] double InTopologyScoringPerSecond,
    [property: JsonPropertyName("in_topology_mean_batch")] double InTopologyMeanBatch,
    [property: JsonPropertyName("in_topology_windows")] long InTopologyWindows,
    [property: JsonPropertyName("onnx_share_of_stream_cpu")] double? OnnxShareOfStreamCpu,
    [property: JsonPropertyName("scoring_share_of_stream_cpu")] double? ScoringShareOfStreamCpu,
    [property: JsonPropertyName("records")] long Records,
    [property: JsonPropertyName("ratio")] double Ratio);

/// <summary>
/// ONNX Runtime on its own (one session, the app's session options, batches of 1, 64 and 1024 rows)
/// vs the same model's session runs inside the anomaly topology: windows per CPU second the stream
/// threads spent inside ONNX Runtime (thread CPU time, because wall time around a 10 µs call inside a
/// busy topology on 2 cores mostly measures pre-emption). Both sides time the same thing, bare session
/// runs; the baseline is the best standalone batch size, so the ratio says how much of the model's
/// throughput the topology's micro-batches keep. The whole scoring step (ONNX Runtime, calibration,
/// contributions of the anomalies) is reported beside it, and so are both as shares of the CPU time of the
/// app's stream threads: how much of the topology's work the model is.
/// </summary>
public sealed class InferenceBenchmark(NovaOpsSettings settings)
{
    private static readonly int[] Batches = [1, 64, 1024];

    public async Task<InferenceBenchResult> RunAsync(long records, string? bootstrapServers, Action<string> status, CancellationToken ct)
    {
        var schema = new FeatureSchema(MetricNames.Standard);
        var anomaly = settings.Anomaly with { Detector = DetectorMode.Onnx };
        using var registry = ModelRegistry.Open(anomaly.Model, ModelKinds.Anomaly, new RunningFeatures(schema, anomaly.Features.Window), poll: false);
        var model = registry.Active;

        var standalone = new Dictionary<string, double>();
        foreach (int batch in Batches)
        {
            status($"standalone ONNX Runtime, batch {batch}");
            standalone[batch.ToString()] = Standalone(model, batch);
        }
        var best = standalone.MaxBy(kv => kv.Value);

        status("in the topology");
        var topics = new TopicNames($"bench-{Guid.NewGuid():N}"[..14]);
        anomaly = anomaly with { ApplicationId = $"{topics.Prefix}-anomaly" };
        using var kafka = KafkaConnection.Open(bootstrapServers);
        var (total, _) = await BenchRecords.ProduceAsync(kafka, topics, [anomaly], records, status, ct);
        var metrics = new PipelineMetrics("bench");
        var streams = settings.Streams with
        {
            StateDirectory = Path.Combine(settings.Streams.StateDirectory, $"bench-inference-{Guid.NewGuid():N}"),
            SessionTimeoutMs = kafka.SessionTimeoutMs(settings.Streams.SessionTimeoutMs),
        };
        double? streamCpu;
        await using (var app = new AnomalyApp(kafka.BootstrapServers, topics, anomaly, streams, Commands.DetectorChoice.Statistical(anomaly.Statistical), metrics))
        {
            var processed = metrics.RecordsIn(topics.Telemetry);
            await app.StartAsync(ct);
            status($"in the topology: {total:N0} records");
            await PipelineBenchmark.RateUntil(() => (long)processed.Value, total, "the anomaly topology (ONNX)", ct);
            // The last micro-batch is flushed by the punctuator once due.
            await Task.Delay(anomaly.MicroBatch.MaxDelayMs + 4 * (int)anomaly.MicroBatch.CheckInterval.TotalMilliseconds, ct);
            streamCpu = ThreadGroupCpu.Seconds(anomaly.ApplicationId); // the stream threads are named after the app
        }
        var sizes = metrics.ModelBatchSize(model.Id);
        double windows = metrics.ModelRows(model.Id).Value, cpu = metrics.ModelCpuSeconds(model.Id).Value, onnxCpu = metrics.ModelOnnxCpuSeconds(model.Id).Value;
        double inTopology = onnxCpu > 0 ? windows / onnxCpu : 0;
        double scoring = cpu > 0 ? windows / cpu : 0;
        return new InferenceBenchResult(model.Id, Math.Round(best.Value), int.Parse(best.Key), standalone, Math.Round(inTopology), Math.Round(scoring),
            Math.Round(sizes.Count == 0 ? 0 : windows / sizes.Count, 1), (long)windows,
            streamCpu > 0 ? Math.Round(onnxCpu / streamCpu.Value, 4) : null, streamCpu > 0 ? Math.Round(cpu / streamCpu.Value, 4) : null,
            total, Math.Round(inTopology / best.Value, 3));
    }

    /// <summary>Rows per second of bare session runs at one batch size: median of 5 runs of at least 0.3 s.</summary>
    private static double Standalone(LoadedModel model, int batch)
    {
        int f = model.Card.Features.Names.Count;
        var rng = new Random(1);
        var rows = new float[batch * f];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = model.Card.Standardization.Mean[i % f] + (float)(rng.NextDouble() * 2 - 1) * model.Card.Standardization.Std[i % f];
        string input = model.Card.Inputs[0].Name;
        string[] outputs = [.. model.Card.Outputs.Select(o => o.Name)];
        using var runOptions = new RunOptions();
        void Once()
        {
            using var value = OrtValue.CreateTensorValueFromMemory(rows, [batch, f]);
            using var results = model.Session.Run(runOptions, [input], [value], outputs);
        }
        for (int i = 0; i < 20; i++) Once(); // warm-up
        var rates = new List<double>();
        for (int run = 0; run < 5; run++)
        {
            var clock = Stopwatch.StartNew();
            long n = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(0.3)) { Once(); n += batch; }
            rates.Add(n / clock.Elapsed.TotalSeconds);
        }
        rates.Sort();
        return rates[rates.Count / 2];
    }
}
