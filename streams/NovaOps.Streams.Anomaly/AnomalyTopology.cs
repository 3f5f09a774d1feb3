using NovaOps.Streams.Hosting;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Detection;
using NovaOps.Streams.Anomaly.State;
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
        var predictionsOut = scoring.Metrics.RecordsOut(topics.Predictions);
        var deadLetterSerDes = new ProtobufSerDes<DeadLetter>();

        // Decode, validate and score in one step (per-VM state in a store with a changelog); keyed by VM id
        // already, so no repartition. Most records produce nothing; the few outputs are routed below.
        var store = StateStore(scoring.Options);
        var outputs = builder
            .Stream<string, byte[]>(topics.Telemetry, new StringSerDes(), new ByteArraySerDes())
            .Transform(TransformerBuilder.New<string, byte[], string, ScoringOutput>()
                .Transformer<VmAnomalyTransformer>(scoring, decoder)
                .StateStore(store)
                .Build(), "decode-validate-score");

        var routes = outputs.Branch("anomaly-prediction-or-dead-letter",
            (_, o, _) => o.Anomaly is not null,
            (_, o, _) => o.Prediction is not null,
            (_, _, _) => true);

        routes[0]
            .MapValues((_, o, _) =>
            {
                anomaliesOut.Inc();
                var a = o.Anomaly!;
                scoring.Metrics.Anomalies(a.Region, a.Zone, a.TenantId, a.Detector).Inc();
                return a;
            }, "anomaly-record")
            .To(topics.Anomalies, new StringSerDes(), anomalySerDes, "anomalies-sink");

        routes[1]
            .MapValues((_, o, _) =>
            {
                predictionsOut.Inc();
                var p = o.Prediction!;
                if (p.Alarm) scoring.Metrics.PredictionAlarms(p.Region, p.Zone, p.TenantId).Inc();
                return p;
            }, "prediction-record")
            .To(topics.Predictions, new StringSerDes(), new ProtobufSerDes<PredictionEvent>(), "predictions-sink");

        // Rejected records: to dead-letter with their reason and origin; the app carries on.
        routes[2]
            .MapValues((_, o, _) => { deadLettersOut.Inc(); return o.DeadLetter!; }, "dead-letter-record")
            .To(topics.DeadLetter, new StringSerDes(), deadLetterSerDes, "dead-letter-sink");

        return builder.Build();
    }

    private static IStoreBuilder<IKeyValueStore<string, byte[]>> StateStore(AnomalyTopologyOptions options)
    {
        var supplier = Stores.InMemoryKeyValueStore(options.StoreName);
        var logging = new Dictionary<string, string>();
        return options.StateWrites switch
        {
            StateWriteMode.WriteBehind => new WriteBehindStoreBuilder<string, byte[]>(supplier, new StringSerDes(), new LiveBytesSerDes(), StringComparer.Ordinal)
                .WithCachingDisabled().WithLoggingEnabled(logging),
            StateWriteMode.StreamizCache => Stores.KeyValueStoreBuilder(supplier, new StringSerDes(), new LiveBytesSerDes())
                .WithCachingEnabled().WithLoggingEnabled(logging),
            _ => Stores.KeyValueStoreBuilder(supplier, new StringSerDes(), new LiveBytesSerDes())
                .WithCachingDisabled().WithLoggingEnabled(logging),
        };
    }

    /// <summary>Every topic the app reads or writes, internal ones included (the embedded broker cannot create them on demand).</summary>
    public static IReadOnlyList<TopicSpec> RequiredTopics(TopicNames topics, AnomalyTopologyOptions options, int partitions) =>
    [
        new(topics.Telemetry, partitions),
        new(topics.Anomalies, partitions),
        new(topics.DeadLetter, partitions),
        new(topics.FaultLabels, 1),
        new(topics.Predictions, partitions),
        new(options.ChangelogTopic, partitions, Compacted: true),
    ];
}
