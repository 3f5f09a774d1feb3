using Google.Protobuf;
using NovaOps.Contracts;
using NovaOps.Observability;
using NovaOps.Streams.Hosting;
using NovaOps.Streams.Rca;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Mock;
using Streamiz.Kafka.Net.SerDes;

namespace NovaOps.Streams.Tests;

/// <summary>
/// The RCA topology in TopologyTestDriver: a small fleet (2 zones × 4 hosts × 4 VMs) published on the topology
/// topic, anomalies piped in, rankings read from root-causes once the wall clock ticks.
/// </summary>
public class RcaTopologyDriverTests
{
    private static readonly TopicNames Topics = new("test");
    private const long T0 = 1_800_000_000_000;

    private sealed class Harness : IDisposable
    {
        public TopologyTestDriver Driver { get; }
        public PipelineMetrics Metrics { get; } = new("rca");
        public RcaMetrics Rca { get; }
        private readonly TestInputTopic<string, byte[]> _anomalies, _topology, _predictions;
        private readonly TestOutputTopic<string, RootCauseEvent> _rootCauses;

        public Harness()
        {
            Rca = new RcaMetrics(Metrics);
            var options = new RcaTopologyOptions();
            Driver = new TopologyTestDriver(RcaTopology.Build(Topics, options, Rca), new StreamConfig<StringSerDes, ByteArraySerDes> { ApplicationId = "test-rca" });
            _topology = Driver.CreateInputTopic<string, byte[], StringSerDes, ByteArraySerDes>(Topics.Topology);
            foreach (var r in Fleet()) _topology.PipeInput(r.Node, r.ToByteArray());
            _anomalies = Driver.CreateInputTopic<string, byte[], StringSerDes, ByteArraySerDes>(Topics.Anomalies);
            _predictions = Driver.CreateInputTopic<string, byte[], StringSerDes, ByteArraySerDes>(Topics.Predictions);
            _rootCauses = Driver.CreateOutputTopic<string, RootCauseEvent, StringSerDes, ProtobufSerDes<RootCauseEvent>>(Topics.RootCauses);
        }

        public void Anomaly(string vm, int minute, double score = 0.99, string metric = MetricNames.CpuUtil, double z = 0, (string Host, string Zone)? at = null)
        {
            var (host, zone) = at ?? Place(vm);
            var a = new AnomalyEvent
            {
                SchemaVersion = SchemaVersions.Anomaly, VmId = vm, Region = "eu-west", Zone = zone, Host = host,
                WindowStartMs = T0 + minute * 60_000L, WindowEndMs = T0 + (minute + 1) * 60_000L, Score = score, Detector = "test/1",
            };
            a.Contributions.Add(new MetricContribution { Metric = metric, Contribution = 1, RobustZ = z });
            _anomalies.PipeInput(vm, a.ToByteArray());
        }

        public void Raw(string key, byte[] value) => _anomalies.PipeInput(key, value);

        public void Prediction(string vm, int minute, double probability, bool alarm = true)
        {
            var (host, zone) = Place(vm);
            _predictions.PipeInput(vm, new PredictionEvent
            {
                SchemaVersion = SchemaVersions.Prediction, VmId = vm, Region = "eu-west", Zone = zone, Host = host,
                WindowEndMs = T0 + minute * 60_000L, HorizonMs = 900_000, Probability = probability, Alarm = alarm, Model = "test/1",
            }.ToByteArray());
        }

        public void Topology(TopologyRecord r) => _topology.PipeInput(r.Node, r.ToByteArray());

        public void RawTopology(string key, byte[] value) => _topology.PipeInput(key, value);

        public List<RootCauseEvent> Rank()
        {
            Driver.AdvanceWallClockTime(TimeSpan.FromSeconds(2));
            return [.. _rootCauses.ReadKeyValueList().Select(r => r.Message.Value)];
        }

        public void Dispose() => Driver.Dispose();
    }

    private static (string Host, string Zone) Place(string vm)
    {
        int v = int.Parse(vm[3..]);
        int host = v / 4;
        return ($"host-{host}", $"zone-{host / 4}");
    }

    private static TopologyRecord R(string node, NodeKind kind, params string[] on)
    {
        var r = new TopologyRecord { SchemaVersion = SchemaVersions.Topology, Node = node, Kind = kind, UpdatedMs = T0 };
        r.DependsOn.Add(on);
        return r;
    }

    private static IEnumerable<TopologyRecord> Fleet()
    {
        for (int z = 0; z < 2; z++) yield return R($"zone-{z}", NodeKind.Zone);
        for (int h = 0; h < 8; h++) yield return R($"host-{h}", NodeKind.Host, $"zone-{h / 4}");
        // Services: svc-api (vm-8, vm-12) calls svc-db (vm-20, vm-24).
        string[] api = ["vm-8", "vm-12"];
        for (int v = 0; v < 32; v++)
            yield return api.Contains($"vm-{v}") ? R($"vm-{v}", NodeKind.Vm, Place($"vm-{v}").Host, "svc-db") : R($"vm-{v}", NodeKind.Vm, Place($"vm-{v}").Host);
        yield return R("svc-api", NodeKind.Service, api);
        yield return R("svc-db", NodeKind.Service, "vm-20", "vm-24");
    }

    [Fact]
    public void A_failed_host_is_ranked_above_its_vms()
    {
        using var h = new Harness();
        for (int v = 4; v < 8; v++) h.Anomaly($"vm-{v}", minute: 10); // every VM of host-1
        var ranking = h.Rank().Last();
        Assert.Equal("host-1", ranking.Candidates[0].Node);
        Assert.Equal(NodeKind.Host, ranking.Candidates[0].Kind);
        Assert.Equal(["vm-4", "vm-5", "vm-6", "vm-7"], ranking.AnomalousVms);
        Assert.Equal(["host-1", "vm-4"], ranking.Candidates[0].PathToSymptom);
        Assert.False(ranking.Final);
        Assert.Equal(1, h.Rca.TimeToFirstRootCause.Count); // observed once, at the incident's first ranking
        Assert.Equal(1, h.Rca.IncidentsOpen.Value);
    }

    [Fact]
    public void One_sick_vm_is_its_own_root_cause_and_unrelated_vms_are_other_incidents()
    {
        using var h = new Harness();
        h.Anomaly("vm-1", minute: 10, z: 12);
        h.Anomaly("vm-1", minute: 11, z: 15);
        h.Anomaly("vm-21", minute: 30); // another zone, much later: another incident
        var rankings = h.Rank();
        Assert.Equal(2, rankings.Select(r => r.IncidentId).Distinct().Count());
        var first = rankings.First(r => r.AnomalousVms.Contains("vm-1"));
        Assert.Equal("vm-1", first.Candidates[0].Node);
        Assert.Equal(15, first.Candidates[0].Magnitude);
    }

    [Fact]
    public void Two_vms_of_a_host_sick_in_different_ways_point_at_the_host_with_what_each_moved()
    {
        // A noisy neighbour: one VM hogs the CPU, its neighbour slows down. The host carries each metric at its VMs'
        // mean z × (share anomalous)², so it leads with both metrics, not at the VMs' full strength.
        using var h = new Harness();
        h.Anomaly("vm-4", minute: 10, metric: MetricNames.CpuUtil, z: 20);
        h.Anomaly("vm-5", minute: 10, metric: MetricNames.LatencyP99Ms, z: 20);
        var ranking = h.Rank().Last();
        Assert.Equal(NovaOps.Rca.RootCauseAnalyzer.DefaultMethod, ranking.Method);
        var host = ranking.Candidates[0];
        Assert.Equal(("host-1", NodeKind.Host), (host.Node, host.Kind));
        Assert.Equal(5, host.Magnitude, 6); // (2/4)² × 20
        Assert.Equal(["anomalous VMs 2/4", MetricNames.CpuUtil, MetricNames.LatencyP99Ms], host.Metrics);
        Assert.Equal(["vm-4", "vm-5"], ranking.Candidates.Skip(1).Take(2).Select(c => c.Node).Order());
    }

    [Fact]
    public void A_vms_evidence_keeps_each_metrics_own_z_and_the_magnitude_where_the_detector_gives_none()
    {
        var vm = new NovaOps.Streams.Rca.Incidents.VmEvidence("vm-4", "host-1", "zone-0");
        var a = new AnomalyEvent { VmId = "vm-4", WindowStartMs = T0, WindowEndMs = T0 + 60_000, Score = 0.5 };
        a.Contributions.Add(new MetricContribution { Metric = MetricNames.CpuUtil, Contribution = 0.7, RobustZ = 12 });
        a.Contributions.Add(new MetricContribution { Metric = MetricNames.LatencyP99Ms, Contribution = 0.3, RobustZ = -4 });
        a.Contributions.Add(new MetricContribution { Metric = MetricNames.ErrorRate, Contribution = 0.1 });
        vm.Add(a);
        Assert.Equal(12, vm.Magnitude);
        Assert.Equal((12.0, 4.0, 12.0), (vm.ZOf(MetricNames.CpuUtil), vm.ZOf(MetricNames.LatencyP99Ms), vm.ZOf(MetricNames.ErrorRate)));
        Assert.Equal([MetricNames.CpuUtil, MetricNames.LatencyP99Ms], vm.TopMetrics(2));
    }

    [Fact]
    public void A_zone_wide_burst_points_at_the_zone()
    {
        using var h = new Harness();
        for (int v = 0; v < 16; v++) h.Anomaly($"vm-{v}", minute: 20); // every host of zone-0 at once
        var ranking = h.Rank().Last();
        Assert.Single(h.Rank().Select(r => r.IncidentId).Distinct().DefaultIfEmpty(ranking.IncidentId));
        Assert.Equal("zone-0", ranking.Candidates[0].Node);
    }

    [Fact]
    public void Quiet_incidents_close_with_a_final_ranking()
    {
        using var h = new Harness();
        h.Anomaly("vm-2", minute: 0, z: 9);
        Assert.False(Assert.Single(h.Rank()).Final);
        h.Anomaly("vm-9", minute: 40, z: 9); // stream time moves past the first incident's quiet period
        var rankings = h.Rank();
        Assert.Contains(rankings, r => r.Final && r.AnomalousVms.Contains("vm-2"));
        Assert.Contains(rankings, r => !r.Final && r.AnomalousVms.Contains("vm-9"));
    }

    [Fact]
    public void Unreadable_anomalies_go_to_dead_letter_and_the_app_carries_on()
    {
        using var h = new Harness();
        var letters = h.Driver.CreateOutputTopic<string, DeadLetter, StringSerDes, ProtobufSerDes<DeadLetter>>(Topics.DeadLetter);
        h.Raw("vm-0", [0xFF, 0xFF, 0xFF]);
        h.Raw("vm-0", new AnomalyEvent { SchemaVersion = SchemaVersions.Anomaly + 5, VmId = "vm-0", Host = "host-0", Zone = "zone-0" }.ToByteArray());
        h.Raw("vm-0", new AnomalyEvent { SchemaVersion = SchemaVersions.Anomaly, VmId = "vm-0" }.ToByteArray());
        h.Anomaly("vm-3", minute: 5, z: 8);
        var reasons = letters.ReadKeyValueList().Select(r => r.Message.Value.ReasonCode).ToList();
        Assert.Equal([RejectReasons.Malformed, RejectReasons.UnknownSchemaVersion, RejectReasons.MissingField], reasons);
        Assert.Equal("vm-3", Assert.Single(h.Rank()).Candidates[0].Node);
        Assert.Equal(3, h.Metrics.DeadLetteredTotal());
    }

    [Fact]
    public void Unusable_topology_records_drop_their_node_and_never_stop_the_graph()
    {
        using var h = new Harness();
        // The compacted graph is read whole at every start: garbage, a newer schema and a record without its node.
        h.RawTopology("host-9", [0xFF, 0xFF, 0xFF]);
        h.RawTopology("host-8", new TopologyRecord { SchemaVersion = SchemaVersions.Topology + 1, Node = "host-8", Kind = NodeKind.Host }.ToByteArray());
        h.RawTopology("vm-5", new TopologyRecord { SchemaVersion = SchemaVersions.Topology, Kind = NodeKind.Vm }.ToByteArray()); // replaces vm-5's edge
        for (int v = 4; v < 8; v++) h.Anomaly($"vm-{v}", minute: 10);
        var ranking = h.Rank().Last();
        Assert.Equal("host-1", ranking.Candidates[0].Node); // vm-5 is placed by its anomaly's host, the rest by the graph
        Assert.Equal(["vm-4", "vm-5", "vm-6", "vm-7"], ranking.AnomalousVms);
    }

    [Fact]
    public void A_vm_moved_to_another_host_is_judged_on_its_new_host()
    {
        using var h = new Harness();
        h.Topology(R("vm-3", NodeKind.Vm, "host-1")); // vm-3 leaves host-0 for host-1 (live change)
        for (int v = 4; v < 8; v++) h.Anomaly($"vm-{v}", minute: 10);
        h.Anomaly("vm-3", minute: 10, at: ("host-1", "zone-0"));
        var ranking = h.Rank().Last();
        Assert.Equal("host-1", ranking.Candidates[0].Node);
        Assert.Contains("vm-3", ranking.AnomalousVms);
        Assert.Equal(["host-1", "vm-4"], ranking.Candidates[0].PathToSymptom);
    }

    [Fact]
    public void A_vm_the_topology_does_not_know_is_placed_by_its_anomaly()
    {
        using var h = new Harness();
        h.Anomaly("vm-99", minute: 3, z: 11, at: ("host-new", "zone-1"));
        var ranking = Assert.Single(h.Rank());
        Assert.Equal("vm-99", ranking.Candidates[0].Node);
        Assert.Equal(11, ranking.Candidates[0].Magnitude);
    }

    [Fact]
    public void A_slow_database_replica_is_found_beneath_its_callers()
    {
        using var h = new Harness();
        h.Anomaly("vm-8", minute: 10);          // the callers slow down (other hosts, other zone)…
        h.Anomaly("vm-20", minute: 10, z: 20);  // …because one replica of the service they call did
        h.Anomaly("vm-12", minute: 11);
        var rankings = h.Rank();
        var ranking = Assert.Single(rankings.GroupBy(r => r.IncidentId)).Last(); // one incident, linked through svc-db
        Assert.Equal(["vm-12", "vm-20", "vm-8"], ranking.AnomalousVms);
        Assert.Equal("vm-20", ranking.Candidates[0].Node);
        Assert.Equal(["vm-20", "svc-db", "vm-8"], ranking.Candidates[0].PathToSymptom);
    }

    [Fact]
    public void A_predicted_vm_leads_among_vms_that_moved_alike_and_a_prediction_alone_opens_nothing()
    {
        using var h = new Harness();
        h.Prediction("vm-30", minute: 1, probability: 0.95); // nothing open: no incident
        h.Anomaly("vm-4", minute: 10, score: 0.5, z: 9);
        h.Anomaly("vm-5", minute: 10, score: 0.5, z: 9);
        Assert.Equal("vm-4", h.Rank().Last().Candidates[0].Node); // a tie, broken by name
        h.Prediction("vm-5", minute: 10, probability: 0.9);
        h.Prediction("vm-6", minute: 10, probability: 0.99, alarm: false); // below the model's threshold: ignored
        var ranking = h.Rank().Last();
        Assert.Equal("vm-5", ranking.Candidates[0].Node);
        Assert.Contains(ranking.Candidates[0].Metrics, m => m.StartsWith("incident predicted"));
        Assert.Equal(["vm-4", "vm-5"], ranking.AnomalousVms);
        Assert.Single(h.Rank().Concat([ranking]).Select(r => r.IncidentId).Distinct());
    }
}
