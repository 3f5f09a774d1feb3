using NovaOps.Contracts;
using NovaOps.Rca;
using NovaOps.Rca.Evidence;
using NovaOps.Rca.Graph;

namespace NovaOps.Streams.Rca.Incidents;

/// <summary>What the RCA app knows of the graph: a node's record, and how many nodes depend on it.</summary>
public interface ITopologyView
{
    TopologyRecord? Get(string node);

    /// <summary>How many VMs depend on this host, or sit in this zone (0 when unknown).</summary>
    int VmCount(string hostOrZone);
}

/// <summary>
/// Turns an incident into evidence and ranks it: the incident's VMs with their magnitudes, and above them
/// the hosts and zones they depend on (from the topology), each with a magnitude derived from its VMs:
/// the square of the share of its VMs that are anomalous, times their mean magnitude. A host whose every VM
/// is anomalous is as loud as its VMs and the graph walk settles on it; a common cause shows on most of
/// what depends on it, so a zone with one failed host of four (share 1/4, weight 1/16) stays quiet and
/// does not draw the walk away from the host that explains it.
/// </summary>
public sealed class IncidentAnalysis(RootCauseAnalyzer analyzer, RcaTopologyOptions options)
{
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
            evidence[vm.Vm] = new NodeAnomaly(vm.Vm, vm.Magnitude, vm.FirstMs,
                [.. vm.Metrics.OrderByDescending(m => m.Value).Take(3).Select(m => new MetricChange(m.Key, vm.Magnitude, vm.FirstMs, 0, 0))]);
            // Walk up the topology (VM → host → zone); a node the topology does not know yet is taken from the
            // anomaly's own labels, so a late topology record never hides a host or zone.
            string current = vm.Vm;
            var fallback = new Queue<(string Node, NodeKind Kind)>([(vm.Host, NodeKind.Host), (vm.Zone, NodeKind.Zone)]);
            for (int depth = 0; depth < 4; depth++)
            {
                var record = topology.Get(current);
                var parents = record?.DependsOn.Count > 0 ? record.DependsOn.ToList() : fallback.Count > 0 ? [fallback.Peek().Node] : [];
                if (parents.Count == 0) break;
                if (fallback.Count > 0 && parents.Contains(fallback.Peek().Node)) fallback.Dequeue();
                foreach (var parent in parents)
                {
                    graph.AddCall(current, parent);
                    kinds.TryAdd(parent, topology.Get(parent)?.Kind ?? NodeKind.Unspecified);
                    if (!above.TryGetValue(parent, out var list)) above[parent] = list = [];
                    if (!list.Contains(vm)) list.Add(vm);
                }
                current = parents[0];
            }
        }

        foreach (var (node, vms) in above)
        {
            // A host or zone the topology does not size gets no evidence of its own: one sick VM on an unknown
            // host must not read as "every VM of that host is sick".
            int known = topology.VmCount(node);
            if (known == 0) continue;
            int total = Math.Max(vms.Count, known);
            double share = vms.Count / (double)total;
            double magnitude = share * share * vms.Average(v => v.Magnitude);
            evidence[node] = new NodeAnomaly(node, magnitude, vms.Min(v => v.FirstMs),
                [new MetricChange($"anomalous VMs {vms.Count}/{total}", magnitude, vms.Min(v => v.FirstMs), 0, 0)]);
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
        e.AnomalousVms.Add(incident.Vms.Keys.Order(StringComparer.Ordinal));
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
}
