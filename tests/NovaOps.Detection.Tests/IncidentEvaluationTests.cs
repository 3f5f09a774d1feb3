using NovaOps.Evaluation.Incidents;

namespace NovaOps.Detection.Tests;

public class IncidentEvaluationTests
{
    [Fact]
    public void Incidents_count_as_predicted_by_an_alarm_between_an_hour_and_a_minute_before_onset()
    {
        const long m = 60_000;
        // Entity 0: alarm 10 min before its incident's onset (predicted, lead 600 s).
        // Entity 1: alarm 20 min before onset (within the hour: predicted, lead 1200 s; outside the model's 15-min horizon,
        // so wrong at window level) and one after onset (too late).
        // Entity 3: alarms 70 min before onset (too early) and 30 s before it (too late): not predicted.
        var windows = new List<ScoredWindow>
        {
            new(0, 50 * m, 0.9, true), new(0, 40 * m, 0.1, false),
            new(1, 40 * m, 0.95, false), new(1, 61 * m, 0.99, false), new(1, 55 * m, 0.2, true),
            new(2, 30 * m, double.NaN, false), // unscorable: left out
            new(3, 0, 0.9, false), new(3, 70 * m - 30_000, 0.9, true),
        };
        var incidents = new List<IncidentOnset> { new("a", "MemoryLeak", 60 * m, [0]), new("b", "CpuRunaway", 60 * m, [1]), new("c", "DiskFilling", 70 * m, [3]) };
        var report = IncidentEvaluation.Evaluate(windows, incidents, threshold: 0.5, precursorKinds: new HashSet<string> { "MemoryLeak", "DiskFilling" });
        Assert.Equal(7, report.Windows);
        Assert.Equal(2, report.IncidentsPredicted);
        Assert.Equal(2.0 / 3, report.IncidentRecall, 9);
        Assert.Equal(900, report.MedianLeadTimeSeconds);
        Assert.Equal((1, 1), report.ByKind["MemoryLeak"]);
        Assert.Equal((1, 1), report.ByKind["CpuRunaway"]);
        Assert.Equal((1, 0), report.ByKind["DiskFilling"]);
        Assert.Equal((2, 1), (report.IncidentsWithPrecursor, report.PredictedWithPrecursor));
        Assert.Equal(0.5, report.RecallWithPrecursor);
        Assert.Equal(2.0 / 5, report.Precision, 9); // five alarms, two followed by an onset within the model's horizon
        Assert.Equal(2.0 / 3, report.Recall, 9);
        // Episodes: entity 0's one alarm (right), entity 1's two (21 min apart: two episodes, the first right), entity 3's two
        // (70 min apart: two; the late one is too close to the onset, the early one too far): 2 of 5.
        Assert.Equal(5, report.AlarmEpisodes);
        Assert.Equal(2, report.TrueEpisodes);
        Assert.Equal(0.4, report.EpisodePrecision, 9);
    }

    [Fact]
    public void Alarms_a_window_or_two_apart_are_one_episode()
    {
        const long m = 60_000;
        var windows = Enumerable.Range(0, 6).Select(i => new ScoredWindow(0, (10 + i * 2) * m, 0.9, false)) // every 2 min: one episode
            .Append(new ScoredWindow(0, 40 * m, 0.9, false)) // 20 min later: another
            .ToList();
        var report = IncidentEvaluation.Evaluate(windows, [new IncidentOnset("a", "MemoryLeak", 30 * m, [0])], 0.5);
        Assert.Equal(2, report.AlarmEpisodes);
        Assert.Equal(1, report.TrueEpisodes); // the first is followed by the onset; the second comes after it
    }
}

public class PredictionEvaluationTests
{
    private const long M = 60_000;

    private static Contracts.PredictionEvent Alarm(string vm, string zone, long endMin, bool alarm = true) =>
        new() { VmId = vm, Zone = zone, WindowEndMs = endMin * M, HorizonMs = 15 * M, Alarm = alarm, Probability = alarm ? 0.95 : 0.2 };

    [Fact]
    public void Alarms_are_right_when_an_onset_on_their_vm_or_zone_follows_within_the_horizon()
    {
        var vmFault = new Contracts.FaultLabel { FaultId = "a", Scope = Contracts.FaultScope.Vm, Zone = "z1", PrecursorStartMs = 90 * M, OnsetMs = 100 * M, EndMs = 110 * M };
        vmFault.AffectedVms.Add("vm-1");
        var zoneFault = new Contracts.FaultLabel { FaultId = "b", Scope = Contracts.FaultScope.Zone, Zone = "z2", PrecursorStartMs = 200 * M, OnsetMs = 200 * M, EndMs = 210 * M };
        var missed = new Contracts.FaultLabel { FaultId = "c", Scope = Contracts.FaultScope.Vm, Zone = "z1", PrecursorStartMs = 280 * M, OnsetMs = 300 * M, EndMs = 310 * M };
        missed.AffectedVms.Add("vm-9");

        var report = Evaluation.GroundTruth.PredictionEvaluation.Evaluate([vmFault, zoneFault, missed],
        [
            Alarm("vm-1", "z1", 90),  // right: 10 min before a's onset
            Alarm("vm-1", "z1", 95),  // right, later
            Alarm("vm-5", "z2", 190), // right through the zone: 10 min before b
            Alarm("vm-1", "z1", 50),  // wrong: 50 min early
            Alarm("vm-1", "z1", 99, alarm: false), // a published non-alarm: not counted as an alarm
        ], TimeSpan.FromMinutes(1));
        Assert.Equal(5, report.Predictions);
        Assert.Equal(4, report.Alarms);
        Assert.Equal(0, report.AlarmsDuringIncidents);
        Assert.Equal(0.75, report.AlarmPrecision, 9);
        Assert.Equal(2.0 / 3, report.IncidentRecall, 9);
        Assert.Equal(600, report.MedianLeadTimeSeconds);
        // a and c had a precursor (b, with none, was predicted through its zone all the same): one of those two predicted.
        Assert.Equal((2, 1), (report.IncidentsWithPrecursor, report.IncidentsWithPrecursorPredicted));
    }

    [Fact]
    public void Alarms_on_vms_a_fault_already_hurts_are_left_out_of_the_precision_and_the_lead_times()
    {
        var a = new Contracts.FaultLabel { FaultId = "a", Scope = Contracts.FaultScope.Vm, Zone = "z1", OnsetMs = 100 * M, EndMs = 110 * M };
        a.AffectedVms.Add("vm-1");
        a.SymptomVms.Add("vm-2");
        var zone = new Contracts.FaultLabel { FaultId = "z", Scope = Contracts.FaultScope.Zone, Zone = "z2", OnsetMs = 100 * M, EndMs = 110 * M };
        // A second fault on vm-1 soon after the first: alarms while the first still hurts predict nothing.
        var b = new Contracts.FaultLabel { FaultId = "b", Scope = Contracts.FaultScope.Vm, Zone = "z1", OnsetMs = 120 * M, EndMs = 130 * M };
        b.AffectedVms.Add("vm-1");

        var report = Evaluation.GroundTruth.PredictionEvaluation.Evaluate([a, zone, b],
        [
            Alarm("vm-1", "z1", 101),   // during a (affected)
            Alarm("vm-1", "z1", 111),   // window 110..111 min: after a ended, 9 min before b: right
            Alarm("vm-2", "z1", 105),   // during a (hurt through its calls)
            Alarm("vm-7", "z2", 109),   // during the zone fault
            Alarm("vm-1", "z1", 110),   // window 109..110 min still overlaps a: left out, not b's lead
            Alarm("vm-3", "z1", 105),   // a VM nothing touches: wrong
        ], TimeSpan.FromMinutes(1));
        Assert.Equal(6, report.Alarms);
        Assert.Equal(4, report.AlarmsDuringIncidents);
        Assert.Equal(0.5, report.AlarmPrecision, 9); // vm-1 at 111 right, vm-3 wrong
        Assert.Equal(1.0 / 3, report.IncidentRecall, 9); // b only: a and the zone fault had no alarm before onset
        Assert.Equal(540, report.MedianLeadTimeSeconds);
    }
}
