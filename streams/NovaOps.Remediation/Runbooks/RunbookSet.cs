using NovaOps.Remediation.Triggers;

namespace NovaOps.Remediation.Runbooks;

/// <summary>The runbooks in force, in priority order: the first that matches a trigger answers it.</summary>
public sealed class RunbookSet(IReadOnlyList<Runbook> runbooks)
{
    public IReadOnlyList<Runbook> Runbooks { get; } = runbooks;

    /// <param name="current">The target's latest metric values, for the runbooks' <c>when</c> conditions (none known by default).</param>
    public Runbook? Match(Trigger trigger, Func<string, double?>? current = null) =>
        Runbooks.FirstOrDefault(r => r.Match.Matches(trigger, current ?? (_ => null)));
}
