using NovaOps.Contracts;
using NovaOps.Rca;
using NovaOps.Rca.Evidence;
using NovaOps.Rca.Graph;

namespace NovaOps.Streams.Rca.Incidents;

/// <summary>What the RCA app knows of the graph: a node's record, how many VMs a node stands on, which service a VM serves.</summary>
public interface ITopologyView
{
    TopologyRecord? Get(string node);

    /// <summary>How many VMs depend on this host, sit in this zone, or serve this service (0 when unknown).</summary>
    int VmCount(string node);

    /// <summary>The service a VM serves, when a service record lists it.</summary>
    string? ServiceOf(string vm);
}

/// <summary>
/// Turns an incident into evidence and ranks it. The graph is the incident's neighbourhood in the topology:
/// each anomalous VM with what it depends on (its host and zone, the services it calls) and, below a called
/// service, the incident's VMs that serve it. VMs carry their anomalies' magnitudes; the nodes above them get
/// a magnitude derived from their VMs:
/// - a host or zone: the square of the share of its VMs that are anomalous, times their mean magnitude. A host
///   whose every VM is anomalous is as loud as its VMs and the graph walk settles on it; a common cause shows
///   on most of what depends on it, so a zone with one failed host of four (share 1/4, weight 1/16) stays
///   quiet and does not draw the walk away from the host that explains it;
/// - a service: its worst VM's magnitude. Callers spread their requests over its VMs, so one sick replica is
///   felt by every caller; the walk goes from the callers through the service down to that replica.
/// </summary>
public sealed class IncidentAnalysis(RootCauseAnalyzer analyzer, RcaTopologyOptions options)
{
    private const int MaxDepth = 4;

    public RootCauseEvent Rank(Incident incident, ITopologyView topology, bool final, long nowMs)
    {
        var graph = new DependencyGraph();
        var kinds = new Dictionary<string, NodeKind>(StringComparer.Ordinal);
        var evidence = new Dictionary<string, NodeAnomaly>(StringComparer.Ordinal);
        var above = new Dictionary<string, List<VmEvidence>>(StringComparer.Ordinal);

        foreach (var vm in incident.Vms.Values)
        {
            graph.Add(vm.Vm);
            kinds[vm.Vm] = NodeKind.Vm;
            // A prediction alarm adds up to the change threshold (3σ at probability 1): it tips the balance between
            // VMs that moved alike towards the one the incident model saw coming, and never makes a candidate alone.
            double magnitude = vm.Magnitude + options.Analysis.ChangeThreshold * vm.Predicted;
            var changes = vm.TopMetrics(3).Select(m => new MetricChange(m, vm.ZOf(m), vm.FirstMs == long.MaxValue ? null : vm.FirstMs, 0, 0)).ToList();
            if (vm.Predicted > 0) changes.Add(new MetricChange($"incident predicted (p={vm.Predicted:F2})", options.Analysis.ChangeThreshold * vm.Predicted, null, 0, 0));
            evidence[vm.Vm] = new NodeAnomaly(vm.Vm, magnitude, vm.FirstMs == long.MaxValue ? null : vm.FirstMs, changes);
            // The service it serves stands on it: callers of that service reach this VM through it.
            if (topology.ServiceOf(vm.Vm) is { } service)
            {
                graph.AddCall(service, vm.Vm);
                kinds[service] = NodeKind.Service;
                AddBelow(above, service, vm);
            }
            // Walk up what it depends on (host → zone; services it calls). A VM the topology does not know yet
            // is placed by its anomaly's own labels, so a late topology record never hides a host or zone.
            IReadOnlyList<(string, NodeKind)> fallbacks = topology.Get(vm.Vm) is null
                ? [(vm.Host, NodeKind.Host), (vm.Zone, NodeKind.Zone)]
                : [(vm.Host, NodeKind.Host)];
            Climb(vm.Vm, vm, fallbacks, topology, graph, kinds, above, depth: 0);
        }

        foreach (var (node, vms) in above)
        {
            // A service stands for its worst VM; a host or zone for its VMs as a whole: (share anomalous)² × their mean.
            // The same per metric its VMs moved, so that a method reading metrics by role (resources, latency, errors)
            // sees a host whose every VM ran hot as it sees one of them, and one hot VM of sixteen as a faint trace.
            bool service = kinds.GetValueOrDefault(node) == NodeKind.Service;
            int total;
            Func<Func<VmEvidence, double>, double> aggregate;
            if (service)
            {
                total = Math.Max(vms.Count, topology.VmCount(node));
                aggregate = of => vms.Max(of);
            }
            else
            {
                // A host or zone the topology does not size gets no evidence of its own: one sick VM on an unknown
                // host must not read as "every VM of that host is sick".
                int known = topology.VmCount(node);
                if (known == 0) continue;
                total = Math.Max(vms.Count, known);
                double share = vms.Count / (double)total;
                aggregate = of => share * share * vms.Average(of);
            }
            double magnitude = aggregate(v => v.Magnitude);
            long first = vms.Min(v => v.FirstMs);
            var moved = vms.SelectMany(v => v.TopMetrics(3)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
                .Select(m => new MetricChange(m, aggregate(v => v.Metrics.ContainsKey(m) ? v.ZOf(m) : 0), first, 0, 0));
            evidence[node] = new NodeAnomaly(node, magnitude, first,
                [new MetricChange($"anomalous VMs {vms.Count}/{total}", magnitude, first, 0, 0), .. moved]);
        }

        var c = new RcaCase(graph, incident.Symptom, incident.FirstMs, [], new Dictionary<(string, string), RobustBaseline>());
        var result = analyzer.Rank(c, evidence, options.Method);
        var e = new RootCauseEvent
        {
            SchemaVersion = SchemaVersions.RootCause,
            IncidentId = incident.Id,
            Region = incident.Region,
            FirstAnomalyMs = incident.FirstMs,
            LastAnomalyMs = incident.LastMs,
            Method = result.Method,
            Version = result.Version,
            Final = final,
            AnalysedMs = nowMs,
            Note = result.Note ?? "",
        };
        e.AnomalousVms.Add(incident.Vms.Values.Where(v => v.Magnitude > 0).Select(v => v.Vm).Order(StringComparer.Ordinal));
        foreach (var candidate in result.Candidates)
        {
            var r = new NovaOps.Contracts.RootCauseCandidate
            {
                Node = candidate.Node,
                Kind = kinds.GetValueOrDefault(candidate.Node),
                Score = candidate.Score,
                Magnitude = candidate.Magnitude,
                ChangedAtMs = candidate.ChangedAt ?? 0,
            };
            r.Metrics.Add(candidate.Evidence.Select(m => m.Metric));
            r.PathToSymptom.Add(candidate.PathToSymptom);
            e.Candidates.Add(r);
        }
        return e;
    }

    private static void AddBelow(Dictionary<string, List<VmEvidence>> above, string node, VmEvidence vm)
    {
        if (vm.Magnitude <= 0) return; // a VM that only has a prediction is not one of the node's anomalous VMs
        if (!above.TryGetValue(node, out var list)) above[node] = list = [];
        if (!list.Contains(vm)) list.Add(vm);
    }

    // From a node up what it depends on. A called service is a leaf here: its evidence comes from its own VMs in
    // the incident. Where the topology has no record (or an empty one) of the node at this depth, the fallback for
    // that depth stands in (the anomaly's own host, then zone).
    private static void Climb(string node, VmEvidence vm, IReadOnlyList<(string Node, NodeKind Kind)> fallbacks, ITopologyView topology,
        DependencyGraph graph, Dictionary<string, NodeKind> kinds, Dictionary<string, List<VmEvidence>> above, int depth)
    {
        if (depth >= MaxDepth) return;
        var record = topology.Get(node);
        IEnumerable<(string Node, NodeKind Kind)> up = record is { DependsOn.Count: > 0 }
            ? record.DependsOn.Select(d => (d, topology.Get(d)?.Kind ?? NodeKind.Unspecified))
            : depth < fallbacks.Count ? [fallbacks[depth]] : [];
        foreach (var (parent, kind) in up)
        {
            graph.AddCall(node, parent);
            kinds.TryAdd(parent, kind);
            if (kind == NodeKind.Service) continue;
            AddBelow(above, parent, vm);
            Climb(parent, vm, fallbacks, topology, graph, kinds, above, depth + 1);
        }
    }
}
