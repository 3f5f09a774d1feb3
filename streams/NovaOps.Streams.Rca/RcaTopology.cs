using Google.Protobuf;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Streams.Hosting;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Table;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.Processors.Public;

namespace NovaOps.Streams.Rca;

/// <summary>The RCA topology, declared in one place.</summary>
public static class RcaTopology
{
    /// <summary>
    /// The region's anomalies and incident predictions, re-keyed to one key on a one-partition topic: an
    /// incident spans VMs of every partition, so one task must see them all. Both are few (an anomaly per
    /// anomalous VM-minute, predictions at or above the publish threshold).
    /// </summary>
    public static string EvidenceTopic(TopicNames topics) => string.IsNullOrEmpty(topics.Prefix) ? "rca-evidence" : $"{topics.Prefix}.rca-evidence";

    public static Topology Build(TopicNames topics, RcaTopologyOptions options, RcaMetrics metrics)
    {
        var builder = new StreamBuilder();

        // The live dependency graph: every instance holds the whole compacted topic. A record no reader can use drops
        // its node (it is read again at every start, so it may not stop the app).
        builder.GlobalTable(topics.Topology, new StringSerDes(), new TolerantProtobufSerDes<TopologyRecord>(b => RecordDecoders.Topology.Decode(b).Record),
            InMemory.As<string, TopologyRecord>(options.TopologyStore));

        // Anomalies and incident predictions, as read (the incident processor decodes and dead-letters them).
        builder.Stream<string, byte[]>(topics.Anomalies, new StringSerDes(), new ByteArraySerDes())
            .MapValues((_, v, _) => new RcaEvidence { Anomaly = ByteString.CopyFrom(v ?? []) }.ToByteArray(), "wrap-anomaly")
            .SelectKey((_, _, _) => topics.Prefix, "anomalies-one-key-per-region")
            .To(EvidenceTopic(topics), new StringSerDes(), new ByteArraySerDes(), "anomaly-evidence-sink");
        builder.Stream<string, byte[]>(topics.Predictions, new StringSerDes(), new ByteArraySerDes())
            .MapValues((_, v, _) => new RcaEvidence { Prediction = ByteString.CopyFrom(v ?? []) }.ToByteArray(), "wrap-prediction")
            .SelectKey((_, _, _) => topics.Prefix, "predictions-one-key-per-region")
            .To(EvidenceTopic(topics), new StringSerDes(), new ByteArraySerDes(), "prediction-evidence-sink");

        var rootCausesOut = metrics.Pipeline.RecordsOut(topics.RootCauses);
        var deadLettersOut = metrics.Pipeline.RecordsOut(topics.DeadLetter);
        var outputs = builder.Stream<string, byte[]>(EvidenceTopic(topics), new StringSerDes(), new ByteArraySerDes())
            .Transform(TransformerBuilder.New<string, byte[], string, RcaOutput>()
                .Transformer<IncidentTransformer>(options, metrics)
                .Build(), "group-and-rank");
        var routes = outputs.Branch("root-cause-or-dead-letter", (_, o, _) => o.RootCause is not null, (_, _, _) => true);
        routes[0]
            .MapValues((_, o, _) => { rootCausesOut.Inc(); return o.RootCause!; }, "root-cause-record")
            .To(topics.RootCauses, new StringSerDes(), new ProtobufSerDes<RootCauseEvent>(), "root-causes-sink");
        routes[1]
            .MapValues((_, o, _) => { deadLettersOut.Inc(); return o.DeadLetter!; }, "dead-letter-record")
            .To(topics.DeadLetter, new StringSerDes(), new ProtobufSerDes<DeadLetter>(), "dead-letter-sink");
        return builder.Build();
    }

    /// <summary>The topics the RCA app reads and writes beyond the anomaly app's (the embedded broker cannot create them on demand).</summary>
    public static IReadOnlyList<TopicSpec> RequiredTopics(TopicNames topics, int partitions) =>
    [
        new(topics.Topology, partitions, Compacted: true),
        new(topics.RootCauses, partitions),
        new(EvidenceTopic(topics), 1),
    ];
}
