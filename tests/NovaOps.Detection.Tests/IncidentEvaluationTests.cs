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
