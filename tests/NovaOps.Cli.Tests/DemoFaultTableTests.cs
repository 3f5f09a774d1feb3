using NovaOps.Cli.Demo;
using NovaOps.Contracts;
using NovaOps.Evaluation.GroundTruth;
using Spectre.Console.Testing;

namespace NovaOps.Cli.Tests;

/// <summary>The demo's per-fault table, as a CI log shows it: 80 columns, no cell wrapped into fragments.</summary>
public class DemoFaultTableTests
{
    [Fact]
    public void Every_kind_of_fault_fits_80_columns_on_one_line_each()
    {
        var kinds = Enum.GetValues<FaultKind>().Where(k => k != FaultKind.Unspecified).ToList();
        var detection = kinds.Select((k, i) => new FaultOutcome($"fault-102-{i:0000}", k, FaultScope.Host, "eu-west-a-h000030", true, 1234, 1200, -1200)).ToList();
        var loop = kinds.Select((k, i) => new LoopOutcome($"fault-102-{i:0000}", k, FaultScope.Host, "eu-west-a-h000030", -1200, 1500, 12345,
            i % 2 == 0 ? "prediction:vm-0000122:1796505420000:incident-gru/1/0" : "root_cause:eu-west-1796506200000-3:eu-west-c", i % 3 == 0)).ToList();
        var report = new DetectionReport(0, 0, 0, kinds.Count, kinds.Count, 1, 1, 30, kinds.Count, 1200, detection);
        var console = new TestConsole().Width(80);
        console.Write(FaultTable.Of(report, new ClosedLoopReport(0, 0, 0, 0, null, null, 0, 0, loop)));

        var lines = console.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= 80, $"{l.Length} columns: {l}"));
        var rows = lines.Where(l => l.Contains("eu-west-a-h000030")).ToList();
        Assert.Equal(kinds.Count, rows.Count); // one line per fault: nothing wrapped
        Assert.Contains(rows, r => r.Contains("zone network") && r.Contains("-1200") && r.Contains("+1500") && r.Contains("12345"));
        Assert.Contains(rows, r => r.Contains("prediction*"));
        Assert.Contains(rows, r => r.Contains("root cause"));
    }
}
