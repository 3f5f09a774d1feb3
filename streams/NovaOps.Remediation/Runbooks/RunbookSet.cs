using NovaOps.Remediation.Triggers;

namespace NovaOps.Remediation.Runbooks;

/// <summary>The runbooks in force, in priority order: the first that matches a trigger answers it.</summary>
public sealed class RunbookSet(IReadOnlyList<Runbook> runbooks)
{
    public IReadOnlyList<Runbook> Runbooks { get; } = runbooks;

    public Runbook? Match(Trigger trigger) => Runbooks.FirstOrDefault(r => r.Match.Matches(trigger));
}
