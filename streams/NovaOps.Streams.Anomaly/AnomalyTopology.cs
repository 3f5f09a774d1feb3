using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Detection;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.Stream;

namespace NovaOps.Streams.Anomaly;

/// <summary>The anomaly topology, declared in one place.</summary>
public static class AnomalyTopology
{
    public static Topology Build(TopicNames topics, VmScoring scoring, TelemetryDecoder decoder)
    {
        var builder = new StreamBuilder();
        var anomalySerDes = new ProtobufSerDes<AnomalyEvent>();
        var anomaliesOut = scoring.Metrics.RecordsOut(topics.Anomalies);
        var deadLettersOut = scoring.Metrics.RecordsOut(topics.DeadLetter);
        var deadLetterSerDes = new ProtobufSerDes<DeadLetter>();

        var decoded = builder
            .Stream<string, byte[]>(topics.Telemetry, new StringSerDes(), new ByteArraySerDes())
            .MapValues((key, value, context) => decoder.Decode(key, value, context), "decode-telemetry");

        var branches = decoded.Branch("valid-or-dead-letter",
            (_, d, _) => d.Sample is not null,
            (_, _, _) => true);

        // Rejected records: to dead-letter with their reason and origin; the app carries on.
        branches[1]
            .MapValues((_, d, _) => { deadLettersOut.Inc(); return d.DeadLetter!; }, "to-dead-letter-record")
            .To(topics.DeadLetter, new StringSerDes(), deadLetterSerDes, "dead-letter-sink");

        // Valid samples: per-VM windows → detector → anomalies. Keyed by VM id already: no repartition.
        var store = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(scoring.Options.StoreName), new StringSerDes(), new DoubleArraySerDes())
            .WithLoggingEnabled(new Dictionary<string, string>())
            .WithCachingEnabled();
        branches[0]
            .MapValues((_, d, _) => d.Sample!, "valid-sample")
            .Transform(TransformerBuilder.New<string, TelemetrySample, string, AnomalyEvent>()
                .Transformer<VmAnomalyTransformer>(scoring)
                .StateStore(store)
                .Build(), "score-vm-windows")
            .Peek((_, _, _) => anomaliesOut.Inc(), "count-anomalies")
            .To(topics.Anomalies, new StringSerDes(), anomalySerDes, "anomalies-sink");

        return builder.Build();
    }

    /// <summary>Every topic the app reads or writes, internal ones included (the embedded broker cannot create them on demand).</summary>
    public static IReadOnlyList<TopicSpec> RequiredTopics(TopicNames topics, AnomalyTopologyOptions options, int partitions) =>
    [
        new(topics.Telemetry, partitions),
        new(topics.Anomalies, partitions),
        new(topics.DeadLetter, partitions),
        new(topics.FaultLabels, 1),
        new(options.ChangelogTopic, partitions, Compacted: true),
    ];
}
