using NovaOps.Remediation.Actuators;
using NovaOps.Remediation.Guardrails;

namespace NovaOps.Remediation;

/// <summary>The remediation executor (section <c>Remediation</c>).</summary>
public sealed record RemediationOptions
{
    /// <summary>A runbook file or a directory of them (*.yaml), in priority order by file name.</summary>
    public string Runbooks { get; init; } = "runbooks";

    /// <summary>Decide and audit everything, execute nothing.</summary>
    public bool DryRun { get; init; }

    public GuardrailOptions Guardrails { get; init; } = new();

    /// <summary>How long a trigger's identity is remembered: a record redelivered within this never acts twice.</summary>
    public TimeSpan IdempotencyRetention { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Where actions go: <c>simulator</c> (the fleet simulator applies them) or <c>webhook</c>.</summary>
    public string Actuator { get; init; } = "simulator";

    public WebhookOptions Webhook { get; init; } = new();

    /// <summary>
    /// How a host drain or a zone evacuation is carried out: <c>planner</c> asks the placement service for an
    /// evacuation plan and live-migrates VM by VM under the guardrails; <c>actuator</c> hands the whole action to
    /// the actuator (a control plane that moves the VMs itself).
    /// </summary>
    public string Evacuation { get; init; } = "planner";
}
