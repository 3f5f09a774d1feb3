using NovaOps.Contracts;
using NovaOps.Evaluation.GroundTruth;

namespace NovaOps.Detection.Tests;

public class DetectionEvaluationTests
{
    private static FaultLabel VmFault(string id, string vm, long precursor, long onset, long end)
    {
        var l = new FaultLabel { FaultId = id, Scope = FaultScope.Vm, Kind = FaultKind.MemoryLeak, RootCause = vm, Zone = "z1",
            PrecursorStartMs = precursor, OnsetMs = onset, EndMs = end };
        l.AffectedVms.Add(vm);
        return l;
    }

    private static AnomalyEvent Anomaly(string vm, string zone, long start) =>
        new() { VmId = vm, Zone = zone, WindowStartMs = start, WindowEndMs = start + 60_000, Score = 0.9 };

    [Fact]
    public void Precision_recall_and_delay_against_ground_truth()
    {
        var labels = new[]
        {
            VmFault("f1", "vm-1", 0, 600_000, 1_200_000),
            VmFault("f2", "vm-2", 0, 600_000, 1_200_000),
            new FaultLabel { FaultId = "f3", Scope = FaultScope.Zone, Zone = "z9", PrecursorStartMs = 2_000_000, OnsetMs = 2_100_000, EndMs = 2_500_000 },
        };
        var anomalies = new[]
        {
            Anomaly("vm-1", "z1", 480_000),     // during the precursor: early detection, -60 s
            Anomaly("vm-1", "z1", 700_000),     // same fault again
            Anomaly("vm-3", "z1", 700_000),     // VM not affected: false positive
            Anomaly("vm-7", "z9", 2_160_000),   // any VM of a degraded zone: +120 s
            Anomaly("vm-2", "z1", 5_000_000),   // long after vm-2's fault: false positive
        };
        var r = DetectionEvaluation.Evaluate(labels, anomalies, TimeSpan.FromMinutes(5));
        Assert.Equal(3, r.TruePositiveAnomalies);
        Assert.Equal(0.6, r.Precision, 9);
        Assert.Equal(2.0 / 3, r.Recall, 9);
        Assert.Equal(30, r.MedianDetectionDelaySeconds); // median of -60 and 120
        Assert.False(r.Faults.Single(f => f.FaultId == "f2").Detected);
    }

    [Fact]
    public void No_anomalies_and_no_faults_give_zeros_not_errors()
    {
        var r = DetectionEvaluation.Evaluate([], [], TimeSpan.Zero);
        Assert.Equal((0.0, 0.0), (r.Precision, r.Recall));
        Assert.Null(r.MedianDetectionDelaySeconds);
    }
}
