using NovaOps.Contracts;
using NovaOps.Evaluation.GroundTruth;
using Spectre.Console;

namespace NovaOps.Cli.Demo;

/// <summary>The demo's table of injected faults: found, acted on, over.</summary>
public static class FaultTable
{
    /// <summary>Each injected fault's path through the loop, in 80 columns: a CI log wraps anything wider into fragments.</summary>
    public static Table Of(DetectionReport report, ClosedLoopReport loop)
    {
        var outcomes = loop.Faults.ToDictionary(f => f.FaultId);
        var faults = new Table().Title("Injected faults (s from onset, negative: before it; *: a person took part)")
            .AddColumns("kind", "root cause", "alarm", "action", "recovered", "ended by");
        foreach (var f in report.Faults)
        {
            var o = outcomes.GetValueOrDefault(f.FaultId);
            faults.AddRow(KindName(f.Kind), Markup.Escape(f.RootCause),
                f.FirstAlarmSeconds is { } first ? $"{first:+0;-0;0}" : "[red]none[/]",
                o?.FirstActionSeconds is { } a ? $"{a:+0;-0;0}" : "-",
                o is null ? "-" : $"{o.RecoverSeconds:F0}",
                o is null ? "-" : EndedBy(o.ResolvedBy, o.HumanNeeded));
        }
        return faults;
    }

    private static string KindName(FaultKind kind) => kind switch
    {
        FaultKind.MemoryLeak => "memory leak",
        FaultKind.CpuRunaway => "cpu runaway",
        FaultKind.DiskFilling => "disk filling",
        FaultKind.NoisyNeighbour => "neighbour",
        FaultKind.HostFailure => "host failure",
        FaultKind.ZoneNetworkDegradation => "zone network",
        _ => kind.ToString(),
    };

    /// <summary>What ended a fault: the source of the trigger whose action did (its idempotency key's first part), or its own end; * when a person had a part.</summary>
    private static string EndedBy(string? resolvedBy, bool human)
    {
        string by = resolvedBy is null ? "itself" : resolvedBy.Split(':')[0].Replace('_', ' ');
        return Markup.Escape(by) + (human ? "[yellow]*[/]" : "");
    }

}
