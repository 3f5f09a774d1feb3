namespace NovaOps.Remediation.Guardrails;

/// <summary>The limits every action passes before it runs (section <c>Remediation:Guardrails</c>). Times are event time.</summary>
public sealed record GuardrailOptions
{
    /// <summary>Actions running or waiting for their check, fleet-wide.</summary>
    public int MaxConcurrent { get; init; } = 20;

    /// <summary>…and per zone: one zone's trouble must not take every slot.</summary>
    public int MaxConcurrentPerZone { get; init; } = 5;

    /// <summary>After an action on a target, no new remediation of that target for this long (escalation of the same one excepted).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Most of a zone's VMs touched by actions within <see cref="BlastRadiusWindow"/>.</summary>
    public double MaxZoneShare { get; init; } = 0.1;

    /// <summary>Most of a tenant's VMs touched by actions within <see cref="BlastRadiusWindow"/>.</summary>
    public double MaxTenantShare { get; init; } = 0.25;

    public TimeSpan BlastRadiusWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A small zone or tenant may still get this many VMs touched per window (10% of 4 VMs would be none).</summary>
    public int MinVmsPerWindow { get; init; } = 1;

    /// <summary>Actions executed fleet-wide per <see cref="RateWindow"/>.</summary>
    public int MaxActionsPerWindow { get; init; } = 30;

    public TimeSpan RateWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Host drains per zone within <see cref="BlastRadiusWindow"/>. A drain live-migrates a host's VMs, which keep running
    /// through a stun of about a second, so it is bounded by the hosts it empties in a zone (the zone's spare capacity and
    /// the chance that a wrong diagnosis empties good hosts), not by the VM shares that bound restarts.
    /// </summary>
    public int MaxHostDrainsPerZone { get; init; } = 2;

    /// <summary>
    /// Actions that wait for a human's approval on the approvals topic (runbook names); a runbook step may also ask for
    /// it. A zone evacuation moves a whole zone: a person decides. A host drain does not wait, as providers move VMs off
    /// a failing host on their own; <see cref="MaxHostDrainsPerZone"/> bounds it.
    /// </summary>
    public string[] DestructiveActions { get; init; } = ["evacuate_zone"];

    /// <summary>A human paged about a target is not paged about it again for this long (a page passes every other guardrail).</summary>
    public TimeSpan PageCooldown { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>An action not approved within this long expires, and the runbook escalates.</summary>
    public TimeSpan ApprovalTimeout { get; init; } = TimeSpan.FromMinutes(30);
}
