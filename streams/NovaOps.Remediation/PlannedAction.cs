using NovaOps.Contracts;
using NovaOps.Remediation.Runbooks;
using NovaOps.Remediation.Triggers;

namespace NovaOps.Remediation;

/// <summary>One step of a runbook about to run for a trigger, on a resolved target.</summary>
/// <param name="Touched">The VMs the action touches, by tenant (the blast radius counts them).</param>
public sealed record PlannedAction(string ActionId, Trigger Trigger, Runbook Runbook, int Step, RunbookStep Spec, string Target, NodeKind TargetKind,
    IReadOnlyDictionary<string, int> Touched)
{
    public int VmsTouched => Touched.Values.Sum();
    public ActionKind Kind => Spec.Action;
    public string Zone => Trigger.Zone;
}
