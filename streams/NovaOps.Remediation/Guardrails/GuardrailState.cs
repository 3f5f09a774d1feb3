using NovaOps.Contracts;
using NovaOps.Remediation.Triggers;

namespace NovaOps.Remediation.Guardrails;

/// <summary>Why a guardrail stopped an action: the guardrail's stable name (an audit field and a metric label) and a sentence.</summary>
public sealed record GuardrailVerdict(string Guardrail, string Reason);

/// <summary>
/// The guardrails' memory and their check: actions in flight (fleet-wide and per zone), the last action per target,
/// the VMs touched per zone and per tenant within the blast-radius window, and executed actions within the rate
/// window. Event time throughout; one executor loop uses it (not thread-safe).
/// </summary>
public sealed class GuardrailState(GuardrailOptions options, FleetInventory inventory)
{
    private readonly Dictionary<string, string> _inFlight = new(StringComparer.Ordinal); // action id → zone
    private readonly Dictionary<string, int> _inFlightPerZone = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastActionAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<(long At, int Vms)>> _touchedZone = new(StringComparer.Ordinal), _touchedTenant = new(StringComparer.Ordinal),
        _drainsZone = new(StringComparer.Ordinal);
    private readonly Queue<long> _executed = new();
    private readonly Dictionary<string, long> _pagedAt = new(StringComparer.Ordinal);

    public GuardrailOptions Options { get; } = options;
    public int InFlight => _inFlight.Count;

    /// <summary>
    /// The first guardrail <paramref name="a"/> would break at <paramref name="nowMs"/>, or null. Paging a human
    /// passes every guardrail (escalation is never held back) but its own: one page per target per
    /// <see cref="GuardrailOptions.PageCooldown"/>, the human already knows; <paramref name="escalation"/> (a later
    /// step of a remediation already running on the target) skips the cooldown that remediation started.
    /// </summary>
    public GuardrailVerdict? Check(PlannedAction a, long nowMs, bool escalation)
    {
        if (a.Kind == ActionKind.PageHuman)
            return _pagedAt.TryGetValue(a.Target, out long paged) && nowMs - paged < Options.PageCooldown.TotalMilliseconds
                ? new("page_cooldown", $"a human was paged about {a.Target} {(nowMs - paged) / 1000} s ago")
                : null;
        if (Pacing(a.Zone, nowMs) is { } paced) return paced;
        // The cooldown holds automation back from flapping on a target; an operator's move (a VM leaving a failing host
        // under an approved plan) goes even if the VM was just restarted.
        bool operatorMove = a.Trigger.Source == TriggerSource.Operator;
        if (!escalation && !operatorMove && _lastActionAt.TryGetValue(a.Target, out long last) && nowMs - last < Options.Cooldown.TotalMilliseconds)
            return new("cooldown", $"{a.Target} was acted on {(nowMs - last) / 1000} s ago (cooldown {Options.Cooldown.TotalMinutes:0.#} min)");
        // A host drain keeps its VMs running: it is bounded by the hosts drained in its zone, not by the VM shares.
        if (a.Kind == ActionKind.DrainHost && !operatorMove)
        {
            int drains = Sum(_drainsZone, a.Zone);
            return drains >= Options.MaxHostDrainsPerZone
                ? new("host_drains_zone", $"{drains} hosts of {a.Zone} drained in the last {Options.BlastRadiusWindow.TotalMinutes:0} min (limit {Options.MaxHostDrainsPerZone})")
                : null;
        }
        // A zone evacuation is the whole zone by design: it needs an approval instead. An operator's own actions
        // (the moves of an approved failover plan) are the operator's call on the blast radius; rate and
        // concurrency still pace them.
        if (a.TargetKind != NodeKind.Zone && !operatorMove)
        {
            if (a.VmsTouched == 0)
                return new("blast_radius_zone", $"the VMs {a.Target} would touch are not known yet (no telemetry seen): not acting blind");
            int zoneVms = inventory.VmsInZone(a.Zone);
            int zoneCap = Cap(zoneVms, Options.MaxZoneShare);
            int zoneTouched = Sum(_touchedZone, a.Zone);
            if (zoneTouched + a.VmsTouched > zoneCap)
                return new("blast_radius_zone", $"{zoneTouched} of {zoneVms} VMs of {a.Zone} touched in the last {Options.BlastRadiusWindow.TotalMinutes:0} min; {a.VmsTouched} more would pass {zoneCap} ({Options.MaxZoneShare:P0})");
            foreach (var (tenant, vms) in a.Touched)
            {
                int tenantVms = inventory.VmsOfTenant(tenant);
                int tenantCap = Cap(tenantVms, Options.MaxTenantShare);
                int tenantTouched = Sum(_touchedTenant, tenant);
                if (tenantTouched + vms > tenantCap)
                    return new("blast_radius_tenant", $"{tenantTouched} of {tenantVms} VMs of tenant {tenant} touched in the last {Options.BlastRadiusWindow.TotalMinutes:0} min; {vms} more would pass {tenantCap} ({Options.MaxTenantShare:P0})");
            }
        }
        return null;
    }

    /// <summary>
    /// The guardrails that only pace actions (concurrency fleet-wide and in <paramref name="zone"/>, the rate limit):
    /// the first one that would hold any action back at <paramref name="nowMs"/>, or null. An approved plan's moves
    /// wait on this instead of being offered, and refused, again and again.
    /// </summary>
    public GuardrailVerdict? Pacing(string zone, long nowMs)
    {
        Expire(nowMs);
        if (_inFlight.Count >= Options.MaxConcurrent)
            return new("concurrency", $"{_inFlight.Count} actions in flight (limit {Options.MaxConcurrent})");
        int inZone = _inFlightPerZone.GetValueOrDefault(zone);
        if (inZone >= Options.MaxConcurrentPerZone)
            return new("zone_concurrency", $"{inZone} actions in flight in {zone} (limit {Options.MaxConcurrentPerZone})");
        if (_executed.Count >= Options.MaxActionsPerWindow)
            return new("rate_limit", $"{_executed.Count} actions in the last {Options.RateWindow.TotalSeconds:0} s (limit {Options.MaxActionsPerWindow})");
        return null;
    }

    /// <summary>The action ran: it counts against every guardrail; <paramref name="verifying"/> keeps it in flight until <see cref="Finished"/>.</summary>
    public void Executed(PlannedAction a, long nowMs, bool verifying)
    {
        if (a.Kind == ActionKind.PageHuman)
        {
            _pagedAt[a.Target] = nowMs;
            return;
        }
        _lastActionAt[a.Target] = nowMs;
        _executed.Enqueue(nowMs);
        // A drain's VMs keep running: it counts as a host drain, not as a share of the zone's VMs disrupted; and an
        // operator's moves (a drain's or an approved plan's) are the operator's call on the blast radius, as in Check.
        if (a.Kind == ActionKind.DrainHost) Touch(_drainsZone, a.Zone, nowMs, 1);
        else if (a.Trigger.Source != TriggerSource.Operator)
        {
            Touch(_touchedZone, a.Zone, nowMs, a.VmsTouched);
            foreach (var (tenant, vms) in a.Touched) Touch(_touchedTenant, tenant, nowMs, vms);
        }
        if (verifying)
        {
            _inFlight[a.ActionId] = a.Zone;
            _inFlightPerZone[a.Zone] = _inFlightPerZone.GetValueOrDefault(a.Zone) + 1;
        }
    }

    /// <summary>The action's check ended (recovered or not): it no longer holds a concurrency slot.</summary>
    public void Finished(string actionId)
    {
        if (!_inFlight.Remove(actionId, out var zone)) return;
        if (--_inFlightPerZone[zone] == 0) _inFlightPerZone.Remove(zone);
    }

    private int Cap(int total, double share) => Math.Max(Options.MinVmsPerWindow, (int)Math.Floor(total * share));

    private static int Sum(Dictionary<string, Queue<(long At, int Vms)>> touched, string key) =>
        touched.TryGetValue(key, out var q) ? q.Sum(e => e.Vms) : 0;

    private static void Touch(Dictionary<string, Queue<(long At, int Vms)>> touched, string key, long nowMs, int vms)
    {
        if (string.IsNullOrEmpty(key) || vms == 0) return;
        if (!touched.TryGetValue(key, out var q)) touched[key] = q = new Queue<(long, int)>();
        q.Enqueue((nowMs, vms));
    }

    private void Expire(long nowMs)
    {
        long rateFrom = nowMs - (long)Options.RateWindow.TotalMilliseconds;
        while (_executed.TryPeek(out long at) && at <= rateFrom) _executed.Dequeue();
        long blastFrom = nowMs - (long)Options.BlastRadiusWindow.TotalMilliseconds;
        foreach (var touched in (Dictionary<string, Queue<(long At, int Vms)>>[])[_touchedZone, _touchedTenant, _drainsZone])
            foreach (var (key, q) in touched)
            {
                while (q.TryPeek(out var e) && e.At <= blastFrom) q.Dequeue();
                if (q.Count == 0) touched.Remove(key);
            }
        long coolFrom = nowMs - (long)Options.Cooldown.TotalMilliseconds;
        if (_lastActionAt.Count > 10_000)
            foreach (var (target, at) in _lastActionAt)
                if (at <= coolFrom) _lastActionAt.Remove(target);
        long pageFrom = nowMs - (long)Options.PageCooldown.TotalMilliseconds;
        if (_pagedAt.Count > 10_000)
            foreach (var (target, at) in _pagedAt)
                if (at <= pageFrom) _pagedAt.Remove(target);
    }
}
