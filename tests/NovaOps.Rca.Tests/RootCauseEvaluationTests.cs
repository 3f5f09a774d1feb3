using NovaOps.Contracts;
using NovaOps.Evaluation.GroundTruth;

namespace NovaOps.Rca.Tests;

/// <summary>The demo's RCA figures: rankings matched to injected faults and scored on their true root cause.</summary>
public class RootCauseEvaluationTests
{
    private static FaultLabel Fault(string id, FaultScope scope, string cause, string zone, long start, long end, params string[] vms)
    {
        var l = new FaultLabel { FaultId = id, Scope = scope, RootCause = cause, Zone = zone, PrecursorStartMs = start, OnsetMs = start, EndMs = end };
        l.AffectedVms.Add(vms);
        return l;
    }

    private static RootCauseEvent Ranking(string incident, long first, long analysed, bool final, string[] vms, params string[] candidates)
    {
        var r = new RootCauseEvent { IncidentId = incident, FirstAnomalyMs = first, AnalysedMs = analysed, Final = final };
        r.AnomalousVms.Add(vms);
        r.Candidates.Add(candidates.Select(c => new NovaOps.Contracts.RootCauseCandidate { Node = c }));
        return r;
    }

    [Fact]
    public void Latest_rankings_are_matched_to_vm_host_and_zone_faults()
    {
        FaultLabel[] labels =
        [
            Fault("f-vm", FaultScope.Vm, "vm-1", "z-a", 1_000, 5_000, "vm-1"),
            Fault("f-host", FaultScope.Host, "h-2", "z-a", 10_000, 20_000, "vm-4", "vm-5"),
            Fault("f-zone", FaultScope.Zone, "z-b", "z-b", 30_000, 40_000),
        ];
        var zones = new Dictionary<string, string> { ["vm-1"] = "z-a", ["vm-4"] = "z-a", ["vm-5"] = "z-a", ["vm-8"] = "z-b", ["vm-9"] = "z-b", ["vm-77"] = "z-a" };
        RootCauseEvent[] rankings =
        [
            Ranking("i1", 2_000, 1, false, ["vm-1"], "h-0", "vm-1"),          // superseded…
            Ranking("i1", 2_000, 2, true, ["vm-1"], "vm-1", "h-0"),           // …by its final ranking: right first
            Ranking("i2", 11_000, 1, false, ["vm-4", "vm-5"], "vm-4", "vm-5", "h-2"), // right in the top 3 only
            Ranking("i3", 31_000, 1, false, ["vm-8", "vm-9"], "h-9", "z-b"),  // zone fault: found through the VMs' zone
            Ranking("i4", 90_000, 1, false, ["vm-77"], "vm-77"),              // no fault then: unmatched
        ];
        var report = RootCauseEvaluation.Evaluate(labels, rankings, zones, TimeSpan.Zero);
        Assert.Equal(3, report.Incidents);
        Assert.Equal(1, report.Unmatched);
        Assert.Equal(1 / 3.0, report.Top1, 6);
        Assert.Equal(1.0, report.Top3, 6);
        Assert.Equal(3, report.FaultsWithIncident);
    }
}
