using NovaOps.Contracts;
using NovaOps.Remediation.Actuators;
using NovaOps.Remediation.Guardrails;
using NovaOps.Remediation.Runbooks;
using NovaOps.Remediation.Triggers;

namespace NovaOps.Remediation;

/// <summary>
/// Turns triggers into actions under guardrails and audits every decision. For a trigger: never act twice on
/// its identity; find the first runbook that matches; skip a target already being remediated; then run the
/// runbook's first action: guardrails → approval (destructive actions) → dry run or the actuator → the check
/// (did the metric recover by the deadline?) → done, or rollback and the next action, and a human when the
/// actions run out or an actuator keeps failing.
///
/// Event time drives it (the records' times, never the wall clock), so a replay decides as the first run did.
/// One loop feeds it; not thread-safe. Every method returns the audit records of the decisions it made, for
/// the caller to publish.
/// </summary>
public sealed class RemediationExecutor(RunbookSet runbooks, RemediationOptions options, IActuator actuator, FleetInventory inventory)
{
    private readonly GuardrailState _guardrails = new(options.Guardrails, inventory);
    private readonly HashSet<ActionKind> _destructive = [.. options.Guardrails.DestructiveActions.Select(RunbookLoader.ParseAction)];
    private readonly Dictionary<string, long> _handled = new(StringComparer.Ordinal); // idempotency key → when
    private readonly Queue<(string Key, long At)> _handledOrder = new();
    private readonly Dictionary<string, Remediation> _active = new(StringComparer.Ordinal); // target → its remediation
    private readonly Dictionary<string, Remediation> _byAction = new(StringComparer.Ordinal); // action id → remediation
    private readonly Dictionary<string, (long At, double[] Values)> _latest = new(StringComparer.Ordinal); // VM → its last sample
    private static readonly RunbookStep PageHuman = new(ActionKind.PageHuman, NodeKind.Vm, new Dictionary<string, string>(), null, false, false);

    public RemediationOptions Options { get; } = options;

    /// <summary>Where a root cause's node runs, for a trigger read from a ranking (which names the node only).</summary>
    public (string Zone, string Host, string TenantId, TenantTier Tier)? PlacementOf(string node)
    {
        if (Inventory.Placement(node) is { } vm) return (vm.Zone, vm.Host, vm.Tenant, TenantTier.Unspecified);
        if (Inventory.ZoneOfHost(node) is { } zone) return (zone, node, "", TenantTier.Unspecified);
        return null;
    }
    public FleetInventory Inventory { get; } = inventory;

    /// <summary>The executor's clock: the latest event time seen.</summary>
    public long NowMs { get; private set; }

    /// <summary>Remediations running (acting, waiting for their check or for an approval).</summary>
    public int Active => _active.Count;

    private sealed class Remediation(Trigger trigger, Runbook runbook, string target)
    {
        public Trigger Trigger { get; } = trigger;
        public Runbook Runbook { get; } = runbook;
        public string Target { get; } = target;
        public int Step { get; set; }
        public PlannedAction? Action { get; set; }
        public long ExecutedAt { get; set; }
        public long Deadline { get; set; }
        public bool AwaitingApproval { get; set; }
    }

    public async Task<IReadOnlyList<ActionRecord>> HandleAsync(Trigger trigger, CancellationToken ct = default)
    {
        Tick(trigger.AtMs);
        var audit = new List<ActionRecord>();
        if (_handled.TryGetValue(trigger.IdempotencyKey, out long seen))
        {
            audit.Add(Record(trigger, null, -1, ActionKind.Unspecified, trigger.Target, trigger.TargetKind, ActionOutcome.Skipped,
                $"already handled at {seen} (the record redelivered, or the same incident ranked the same node again)"));
            return audit;
        }
        var runbook = runbooks.Match(trigger, metric => Latest(trigger.TargetKind == NodeKind.Vm ? trigger.Target : null, metric));
        if (runbook is null)
        {
            // Not remembered: the incident's next ranking of this node may carry the confidence a runbook asks for.
            audit.Add(Record(trigger, null, -1, ActionKind.Unspecified, trigger.Target, trigger.TargetKind, ActionOutcome.Skipped, "no runbook matches"));
            return audit;
        }
        Remember(trigger.IdempotencyKey);
        var first = runbook.Steps[0];
        string? target = trigger.TargetOf(first.Scope);
        if (target is null)
        {
            audit.Add(Record(trigger, runbook.Name, 0, first.Action, trigger.Target, first.Scope, ActionOutcome.Skipped,
                $"the trigger names no {first.Scope.ToString().ToLowerInvariant()} to act on"));
            return audit;
        }
        if (_active.TryGetValue(target, out var running))
        {
            audit.Add(Record(trigger, runbook.Name, 0, first.Action, target, first.Scope, ActionOutcome.Skipped,
                $"{target} is already being remediated ({running.Runbook.Name}, trigger {running.Trigger.IdempotencyKey})"));
            return audit;
        }
        var remediation = new Remediation(trigger, runbook, target);
        await RunStepAsync(remediation, 0, escalation: false, approver: null, audit, ct);
        return audit;
    }

    /// <summary>
    /// What holds any new action in <paramref name="zone"/> back at <paramref name="nowMs"/> (concurrency, rate),
    /// or null: the pacing guardrails alone, asked without a trigger and without an audit record.
    /// </summary>
    public GuardrailVerdict? Paced(long nowMs, string zone = "")
    {
        Tick(nowMs);
        return _guardrails.Pacing(zone, NowMs);
    }

    /// <summary>An operator's answer to an action awaiting approval.</summary>
    public async Task<IReadOnlyList<ActionRecord>> ApproveAsync(ApprovalRecord approval, CancellationToken ct = default)
    {
        Tick(approval.AtMs);
        var audit = new List<ActionRecord>();
        if (!_byAction.TryGetValue(approval.ActionId, out var r) || !r.AwaitingApproval) return audit; // unknown, decided or expired: nothing waits
        r.AwaitingApproval = false;
        _byAction.Remove(approval.ActionId);
        if (!approval.Approved)
        {
            audit.Add(Record(r, ActionOutcome.Rejected, $"rejected by {approval.Approver}{(string.IsNullOrEmpty(approval.Comment) ? "" : $": {approval.Comment}")}", approver: approval.Approver));
            await EscalateAsync(r, "the approver said no", audit, ct);
            return audit;
        }
        await RunStepAsync(r, r.Step, escalation: r.Step > 0, approver: string.IsNullOrEmpty(approval.Approver) ? "unknown" : approval.Approver, audit, ct);
        return audit;
    }

    /// <summary>A telemetry sample: the fleet's inventory, and the checks of actions waiting for their VM to recover.</summary>
    public async Task<IReadOnlyList<ActionRecord>> ObserveAsync(TelemetrySample sample, CancellationToken ct = default)
    {
        Inventory.Observe(sample.VmId, sample.Zone, sample.Host, sample.TenantId);
        if (!_latest.TryGetValue(sample.VmId, out var latest)) latest = (0, new double[MetricNames.Count]);
        sample.CopyStandardMetrics(latest.Values);
        _latest[sample.VmId] = (sample.TimestampMs, latest.Values);
        return await AdvanceAsync(sample.TimestampMs, ct);
    }

    /// <summary>
    /// Moves the clock: checks whose metric recovered are verified, checks past their deadline fail (rollback,
    /// next action), approvals past their timeout expire.
    /// </summary>
    public async Task<IReadOnlyList<ActionRecord>> AdvanceAsync(long nowMs, CancellationToken ct = default)
    {
        Tick(nowMs);
        if (_byAction.Count == 0) return [];
        var audit = new List<ActionRecord>();
        foreach (var r in _byAction.Values.ToList())
        {
            if (r.AwaitingApproval)
            {
                if (NowMs < r.Deadline) continue;
                r.AwaitingApproval = false;
                _byAction.Remove(r.Action!.ActionId);
                audit.Add(Record(r, ActionOutcome.Expired, $"no approval within {Options.Guardrails.ApprovalTimeout.TotalMinutes:0} min"));
                await EscalateAsync(r, "no approval came", audit, ct);
                continue;
            }
            var check = r.Action!.Spec.Verify!;
            double? value = CurrentValue(r, check);
            if (value is { } v && check.Recovered(v))
            {
                Finish(r);
                audit.Add(Record(r, ActionOutcome.Verified, $"{check.Metric} = {value:0.###} {(NowMs - r.ExecutedAt) / 1000} s after the action ({check})"));
            }
            else if (NowMs >= r.Deadline)
            {
                Finish(r, keepActive: true);
                audit.Add(Record(r, ActionOutcome.NotRecovered, value is null
                    ? $"no {check.Metric} of {r.Target} seen after the action ({check})"
                    : $"{check.Metric} = {value:0.###} at the deadline ({check})"));
                if (r.Action.Spec.Rollback)
                {
                    var undo = await actuator.ExecuteAsync(Command(r.Action, undo: true, "did not help"), ct);
                    audit.Add(Record(r, undo.Succeeded ? ActionOutcome.RolledBack : ActionOutcome.Failed,
                        undo.Succeeded ? "undone: it did not help" : $"rollback failed: {undo.Error}", attempts: undo.Attempts, error: undo.Error));
                }
                await EscalateAsync(r, "the metric did not recover", audit, ct);
            }
        }
        return audit;
    }

    /// <summary>
    /// Rebuilds the executor's memory from its own audit (the actions topic, replayed at start): triggers already
    /// handled, and executed actions for cooldowns, blast radius and rate. Checks and approvals in flight at the
    /// stop are not resumed: their actions still count against the guardrails, not against concurrency.
    /// </summary>
    public void Restore(ActionRecord record)
    {
        Tick(record.AtMs);
        // A trigger no runbook matched (no runbook on its record) was not handled: a later one with the same key may still act.
        if (!string.IsNullOrEmpty(record.IdempotencyKey) && !string.IsNullOrEmpty(record.Runbook) && !_handled.ContainsKey(record.IdempotencyKey))
            Remember(record.IdempotencyKey, record.AtMs);
        if (record.Outcome is not (ActionOutcome.Executed or ActionOutcome.DryRun)) return;
        // Its own source: an operator's moves spend no blast radius, the executor's own actions do, also after a restart.
        var trigger = new Trigger(record.IdempotencyKey, Trigger.SourceOf(record.Trigger), record.Target, record.TargetKind, record.Zone, record.Host,
            record.TenantId, record.TenantTier, record.Confidence, null, record.AtMs);
        var step = new RunbookStep(record.Kind, record.TargetKind, new Dictionary<string, string>(), null, null, false);
        var touched = new Dictionary<string, int> { [record.TenantId] = Math.Max(1, record.VmsTouched) };
        _guardrails.Executed(new PlannedAction(record.ActionId, trigger, new Runbook(record.Runbook, "", null!, [step]), record.Step, step,
            record.Target, record.TargetKind, touched), record.AtMs, verifying: false);
    }

    private async Task RunStepAsync(Remediation r, int index, bool escalation, string? approver, List<ActionRecord> audit, CancellationToken ct)
    {
        bool exhausted = index >= r.Runbook.Steps.Count;
        var spec = exhausted ? PageHuman : r.Runbook.Steps[index];
        r.Step = index;
        string target = (spec.Action == ActionKind.PageHuman ? r.Target : r.Trigger.TargetOf(spec.Scope)) ?? r.Target;
        var scope = spec.Action == ActionKind.PageHuman ? r.Trigger.TargetKind : spec.Scope;
        var action = r.Action = new PlannedAction($"{r.Trigger.IdempotencyKey}/{index}", r.Trigger, r.Runbook, index, spec, target, scope, Touched(target, scope));
        _active[r.Target] = r;

        if (_guardrails.Check(action, NowMs, escalation) is { } blocked)
        {
            _active.Remove(r.Target);
            audit.Add(Record(r, ActionOutcome.Blocked, blocked.Reason, guardrail: blocked.Guardrail));
            return;
        }
        bool needsApproval = spec.Approval ?? _destructive.Contains(spec.Action);
        if (needsApproval && approver is null && !Options.DryRun)
        {
            r.AwaitingApproval = true;
            r.Deadline = NowMs + (long)Options.Guardrails.ApprovalTimeout.TotalMilliseconds;
            _byAction[action.ActionId] = r;
            audit.Add(Record(r, ActionOutcome.AwaitingApproval, $"{RunbookLoader.ActionName(spec.Action)} needs a human's approval (approvals topic, action id {action.ActionId})",
                approvalRequired: true));
            return;
        }
        if (Options.DryRun)
        {
            _guardrails.Executed(action, NowMs, verifying: false); // counted as if run, so the audit shows what the guardrails would have done
            _active.Remove(r.Target);
            audit.Add(Record(r, ActionOutcome.DryRun, $"dry run: would {RunbookLoader.ActionName(spec.Action)} {target} ({r.Runbook.Name})", approvalRequired: needsApproval));
            return;
        }

        string why = exhausted ? "the runbook's actions ran out" : $"{r.Runbook.Name}: {Trigger.SourceName(r.Trigger.Source)} {r.Trigger.Confidence:0.###}";
        var result = await actuator.ExecuteAsync(Command(action, undo: false, why), ct);
        if (!result.Succeeded)
        {
            _active.Remove(r.Target);
            audit.Add(Record(r, ActionOutcome.Failed, $"the actuator failed after {result.Attempts} attempt(s): {result.Error}", attempts: result.Attempts, error: result.Error,
                approvalRequired: needsApproval, approver: approver));
            if (spec.Action != ActionKind.PageHuman) await EscalateAsync(r, "the actuator failed", audit, ct);
            return;
        }
        bool verifying = spec.Verify is not null;
        _guardrails.Executed(action, NowMs, verifying);
        r.ExecutedAt = NowMs;
        audit.Add(Record(r, ActionOutcome.Executed, exhausted ? "paged: the runbook's actions ran out" : why, attempts: result.Attempts,
            approvalRequired: needsApproval, approver: approver));
        if (verifying)
        {
            r.Deadline = NowMs + (long)spec.Verify!.Within.TotalMilliseconds;
            _byAction[action.ActionId] = r;
        }
        else _active.Remove(r.Target);
    }

    private async Task EscalateAsync(Remediation r, string why, List<ActionRecord> audit, CancellationToken ct)
    {
        int next = r.Step + 1;
        bool paged = r.Action!.Kind == ActionKind.PageHuman;
        if (paged || next > r.Runbook.Steps.Count)
        {
            _active.Remove(r.Target);
            return;
        }
        audit.Add(Record(r, ActionOutcome.Escalated, next < r.Runbook.Steps.Count
            ? $"{why}: next action {RunbookLoader.ActionName(r.Runbook.Steps[next].Action)}"
            : $"{why}: no action left, paging a human"));
        await RunStepAsync(r, next, escalation: true, approver: null, audit, ct);
    }

    private double? Latest(string? vm, string metric) =>
        vm is not null && _latest.TryGetValue(vm, out var latest) ? latest.Values[MetricIndex(metric)] : null;

    private static int MetricIndex(string metric)
    {
        for (int i = 0; i < MetricNames.Count; i++) if (MetricNames.Standard[i] == metric) return i;
        throw new ArgumentException($"unknown metric {metric}");
    }

    private double? CurrentValue(Remediation r, RecoveryCheck check)
    {
        int metric = MetricIndex(check.Metric);
        // A VM's own samples after the action; a host or zone: the mean of its VMs' samples after the action.
        IEnumerable<string> vms = r.Action!.TargetKind switch
        {
            NodeKind.Vm => [r.Action.Target],
            NodeKind.Host => Inventory.OnHost(r.Action.Target).Select(v => v.Vm),
            _ => [r.Trigger.Target],
        };
        double sum = 0;
        int n = 0;
        foreach (var vm in vms)
            if (_latest.TryGetValue(vm, out var latest) && latest.At > r.ExecutedAt) { sum += latest.Values[metric]; n++; }
        return n == 0 ? null : sum / n;
    }

    private IReadOnlyDictionary<string, int> Touched(string target, NodeKind kind) => kind switch
    {
        NodeKind.Vm => Inventory.Placement(target) is { } p ? new Dictionary<string, int> { [p.Tenant] = 1 } : new Dictionary<string, int>(), // unknown: touches no known VM, blocked
        NodeKind.Host => Inventory.OnHost(target).GroupBy(v => v.Tenant).ToDictionary(g => g.Key, g => g.Count()),
        NodeKind.Zone => new Dictionary<string, int> { [""] = Inventory.VmsInZone(target) },
        _ => new Dictionary<string, int>(),
    };

    private void Finish(Remediation r, bool keepActive = false)
    {
        _guardrails.Finished(r.Action!.ActionId);
        _byAction.Remove(r.Action.ActionId);
        if (!keepActive) _active.Remove(r.Target);
    }

    private static ActionCommand Command(PlannedAction a, bool undo, string reason)
    {
        var parameters = a.Spec.Parameters;
        if (a.Trigger.Parameters is { Count: > 0 } given)
        {
            var merged = new Dictionary<string, string>(parameters);
            foreach (var (k, v) in given) merged[k] = v;
            parameters = merged;
        }
        return new(a.ActionId, a.Kind, a.Target, a.TargetKind, parameters, undo, reason, a.Trigger.AtMs);
    }

    private void Tick(long atMs)
    {
        if (atMs > NowMs) NowMs = atMs;
    }

    private void Remember(string key, long? atMs = null)
    {
        long at = atMs ?? NowMs;
        _handled[key] = at;
        _handledOrder.Enqueue((key, at));
        long forgetBefore = NowMs - (long)Options.IdempotencyRetention.TotalMilliseconds;
        while (_handledOrder.TryPeek(out var oldest) && oldest.At < forgetBefore)
        {
            _handledOrder.Dequeue();
            if (_handled.TryGetValue(oldest.Key, out long when) && when == oldest.At) _handled.Remove(oldest.Key);
        }
    }

    private ActionRecord Record(Remediation r, ActionOutcome outcome, string reason, string guardrail = "", int attempts = 0, string? error = null,
        bool approvalRequired = false, string? approver = null)
    {
        var a = r.Action!;
        var record = Record(r.Trigger, r.Runbook.Name, a.Step, a.Kind, a.Target, a.TargetKind, outcome, reason, guardrail);
        record.ActionId = a.ActionId;
        record.Attempts = attempts;
        record.Error = error ?? "";
        record.ApprovalRequired = approvalRequired;
        record.Approver = approver ?? "";
        record.VmsTouched = a.VmsTouched;
        return record;
    }

    private ActionRecord Record(Trigger t, string? runbook, int step, ActionKind kind, string target, NodeKind targetKind, ActionOutcome outcome, string reason,
        string guardrail = "") => new()
    {
        SchemaVersion = SchemaVersions.Action,
        ActionId = step < 0 ? t.IdempotencyKey : $"{t.IdempotencyKey}/{step}",
        IdempotencyKey = t.IdempotencyKey,
        Trigger = Trigger.SourceName(t.Source),
        Runbook = runbook ?? "",
        Step = step,
        Kind = kind,
        Target = target,
        TargetKind = targetKind,
        Zone = t.Zone,
        Host = t.Host,
        TenantId = t.TenantId,
        TenantTier = t.Tier,
        Confidence = t.Confidence,
        Outcome = outcome,
        Guardrail = guardrail,
        Reason = reason,
        AtMs = NowMs,
        DryRun = Options.DryRun,
    };
}
