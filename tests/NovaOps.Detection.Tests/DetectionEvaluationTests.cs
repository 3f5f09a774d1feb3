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
    public void Precision_counts_episodes_delay_is_from_onset_and_precursor_alarms_are_early_warnings()
    {
        var labels = new[]
        {
            VmFault("f1", "vm-1", 0, 600_000, 1_200_000),
            VmFault("f2", "vm-2", 0, 600_000, 1_200_000),
            new FaultLabel { FaultId = "f3", Scope = FaultScope.Zone, Zone = "z9", PrecursorStartMs = 2_000_000, OnsetMs = 2_100_000, EndMs = 2_500_000 },
        };
        var anomalies = new[]
        {
            Anomaly("vm-1", "z1", 480_000),     // during the precursor: an early warning, 60 s ahead
            Anomaly("vm-1", "z1", 570_000),     // the same episode goes on through the onset: detected 30 s after it
            Anomaly("vm-1", "z1", 660_000),     // a gap of one window: still the same episode
            Anomaly("vm-3", "z1", 700_000),     // VM not affected: a false episode
            Anomaly("vm-7", "z9", 2_160_000),   // any VM of a degraded zone: +120 s
            Anomaly("vm-2", "z1", 5_000_000),   // long after vm-2's fault: a false episode
            Anomaly("vm-2", "z1", 5_060_000),   // ... the same one
        };
        var r = DetectionEvaluation.Evaluate(labels, anomalies, TimeSpan.FromMinutes(5));
        Assert.Equal(7, r.Anomalies);
        Assert.Equal(4, r.Episodes);
        Assert.Equal(2, r.TrueEpisodes);
        Assert.Equal(0.5, r.Precision, 9); // per window it would have read 4 / 7
        Assert.Equal(2.0 / 3, r.Recall, 9);
        Assert.Equal(75, r.MedianDetectionDelaySeconds); // median of 30 and 120, never negative
        Assert.Equal(1, r.EarlyWarnings);
        Assert.Equal(60, r.MedianEarlyWarningLeadSeconds);
        var f1 = r.Faults.Single(f => f.FaultId == "f1");
        Assert.Equal((true, 30.0, 60.0, -60.0), (f1.Detected, f1.DelaySeconds, f1.EarlyWarningLeadSeconds, f1.FirstAlarmSeconds));
        Assert.False(r.Faults.Single(f => f.FaultId == "f2").Detected);
    }

    [Fact]
    public void A_gap_of_more_than_two_windows_starts_a_new_episode()
    {
        var episodes = DetectionEvaluation.Episodes([Anomaly("vm-1", "z", 0), Anomaly("vm-1", "z", 180_000), Anomaly("vm-1", "z", 420_000), Anomaly("vm-2", "z", 60_000)]);
        // vm-1: 0-60 s, then 180 s starts after a gap of two windows (same episode), 420 s after three (a new one).
        Assert.Equal(3, episodes.Count);
        Assert.Equal([2, 1, 1], episodes.Select(e => e.Count).OrderByDescending(c => c));
    }

    [Fact]
    public void A_fault_warned_of_only_before_its_onset_is_detected_with_no_delay()
    {
        var r = DetectionEvaluation.Evaluate([VmFault("f1", "vm-1", 0, 600_000, 1_200_000)], [Anomaly("vm-1", "z1", 300_000)], TimeSpan.Zero);
        var f = Assert.Single(r.Faults);
        Assert.True(f.Detected);
        Assert.Null(f.DelaySeconds);
        Assert.Equal(240, f.EarlyWarningLeadSeconds);
        Assert.Null(r.MedianDetectionDelaySeconds);
        Assert.Equal(1, r.Precision);
    }

    [Fact]
    public void No_anomalies_and_no_faults_give_zeros_not_errors()
    {
        var r = DetectionEvaluation.Evaluate([], [], TimeSpan.Zero);
        Assert.Equal((0.0, 0.0), (r.Precision, r.Recall));
        Assert.Null(r.MedianDetectionDelaySeconds);
        Assert.Null(r.MedianEarlyWarningLeadSeconds);
    }
}
