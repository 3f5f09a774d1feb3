using NovaOps.Evaluation.Incidents;

namespace NovaOps.Detection.Tests;

public class IncidentEvaluationTests
{
    [Fact]
    public void Incidents_count_as_predicted_by_an_alarm_within_the_horizon_before_onset()
    {
        var h = TimeSpan.FromMinutes(15);
        const long m = 60_000;
        // Entity 0: alarm 10 min before its incident's onset (predicted, lead 600 s).
        // Entity 1: alarm 20 min before onset (outside the horizon) and one after onset (too late): not predicted.
        var windows = new List<ScoredWindow>
        {
            new(0, 50 * m, 0.9, true), new(0, 40 * m, 0.1, false),
            new(1, 40 * m, 0.95, false), new(1, 61 * m, 0.99, false), new(1, 55 * m, 0.2, true),
            new(2, 30 * m, double.NaN, false), // unscorable: left out
        };
        var incidents = new List<IncidentOnset> { new("a", "MemoryLeak", 60 * m, [0]), new("b", "CpuRunaway", 60 * m, [1]) };
        var report = IncidentEvaluation.Evaluate(windows, incidents, h, threshold: 0.5);
        Assert.Equal(5, report.Windows);
        Assert.Equal(1, report.IncidentsPredicted);
        Assert.Equal(0.5, report.IncidentRecall);
        Assert.Equal(600, report.MedianLeadTimeSeconds);
        Assert.Equal((1, 1), report.ByKind["MemoryLeak"]);
        Assert.Equal((1, 0), report.ByKind["CpuRunaway"]);
        Assert.Equal(1.0 / 3, report.Precision, 9); // three alarms, one followed by an onset within the horizon
        Assert.Equal(0.5, report.Recall, 9);
    }
}

public class PredictionEvaluationTests
{
    [Fact]
    public void Alarms_are_right_when_an_onset_on_their_vm_or_zone_follows_within_the_horizon()
    {
        const long m = 60_000;
        var vmFault = new Contracts.FaultLabel { FaultId = "a", Scope = Contracts.FaultScope.Vm, Zone = "z1", OnsetMs = 100 * m };
        vmFault.AffectedVms.Add("vm-1");
        var zoneFault = new Contracts.FaultLabel { FaultId = "b", Scope = Contracts.FaultScope.Zone, Zone = "z2", OnsetMs = 200 * m };
        var missed = new Contracts.FaultLabel { FaultId = "c", Scope = Contracts.FaultScope.Vm, Zone = "z1", OnsetMs = 300 * m };
        missed.AffectedVms.Add("vm-9");
        Contracts.PredictionEvent Alarm(string vm, string zone, long endMin, bool alarm = true) =>
            new() { VmId = vm, Zone = zone, WindowEndMs = endMin * m, HorizonMs = 15 * m, Alarm = alarm, Probability = alarm ? 0.95 : 0.2 };

        var report = Evaluation.GroundTruth.PredictionEvaluation.Evaluate([vmFault, zoneFault, missed],
        [
            Alarm("vm-1", "z1", 90),  // right: 10 min before a's onset
            Alarm("vm-1", "z1", 95),  // right, later
            Alarm("vm-5", "z2", 190), // right through the zone: 10 min before b
            Alarm("vm-1", "z1", 50),  // wrong: 50 min early
            Alarm("vm-1", "z1", 99, alarm: false), // a published non-alarm: not counted as an alarm
        ]);
        Assert.Equal(5, report.Predictions);
        Assert.Equal(4, report.Alarms);
        Assert.Equal(0.75, report.AlarmPrecision, 9);
        Assert.Equal(2.0 / 3, report.IncidentRecall, 9);
        Assert.Equal(600, report.MedianLeadTimeSeconds);
    }
}
