using NovaOps.Contracts;
using NovaOps.Remediation;
using NovaOps.Remediation.Runbooks;
using NovaOps.Remediation.Triggers;

namespace NovaOps.Failover;

/// <summary>
/// Carries out an evacuation plan as live-migrate actions through the remediation executor, so its rate limit
/// and concurrency caps pace the moves: each move is an operator trigger (runbook <see cref="Runbook"/>, which must be
/// among the executor's runbooks) with its destination host. While the rate limit or a concurrency cap would hold any
/// action back, the moves wait (the refusal that started the wait is audited once) and a later step tries again; any
/// other refusal is final and reported. The blast-radius caps do not apply to an operator's moves (the evacuation was approved as a whole).
/// </summary>
/// <param name="moved">Whether a VM's move of this plan was already executed (the executor's audit, replayed after a
/// restart): such moves are not offered again.</param>
public sealed class PlanExecution(EvacuationPlan plan, RemediationExecutor executor, string planId, Func<string, bool>? moved = null)
{
    /// <summary>The runbook the moves go through: shipped in <c>runbooks/30-failover.yaml</c>.</summary>
    public const string Runbook = "failover-migrate";

    private static readonly HashSet<string> Pacing = ["rate_limit", "concurrency", "zone_concurrency"];
    private bool _heldBack; // the last offer was refused by a pacing guardrail
    private readonly Queue<Move> _pending = new(moved is null ? plan.Moves : plan.Moves.Where(m => !moved(m.VmId)));

    public string PlanId => planId;

    /// <summary>
    /// The start of the idempotency key of a move's trigger (the offer's time and a unique suffix follow, so a move the
    /// rate limit held back is offered again under a new key); an audit record whose key starts so belongs to this
    /// plan and VM. Redelivered plans are kept from moving a VM twice by these prefixes, not by the executor's keys.
    /// </summary>
    public static string MoveKeyPrefix(string planId, string vmId) => $"failover:{planId}:{vmId}:";

    public int Pending => _pending.Count;
    public List<Move> Done { get; } = [];
    public List<(Move Move, ActionRecord Decision)> Refused { get; } = [];

    /// <summary>Offers the pending moves at <paramref name="nowMs"/> until the executor holds one back; returns the decisions.</summary>
    public async Task<IReadOnlyList<ActionRecord>> StepAsync(long nowMs, CancellationToken ct = default)
    {
        var audit = new List<ActionRecord>();
        audit.AddRange(await executor.AdvanceAsync(nowMs, ct));
        while (_pending.TryPeek(out var move))
        {
            // Held back by pacing: the refusal that started the wait is in the audit once; the move then waits for its
            // turn rather than being offered and refused at every step, which filled the audit with tens of thousands
            // of refusals during one zone's evacuation.
            if (_heldBack && executor.Paced(nowMs) is not null) break;
            // A fresh key per offer: a move the rate limit held back is offered again, maybe at the same event time.
            var trigger = new Trigger($"{MoveKeyPrefix(planId, move.VmId)}{nowMs}.{Guid.NewGuid():N}", TriggerSource.Operator, move.VmId, NodeKind.Vm, "", move.FromHost, "", move.Tier, 1, null, nowMs,
                new Dictionary<string, string> { ["to_host"] = move.ToHost, ["to_zone"] = move.ToZone, ["plan"] = planId });
            var decisions = await executor.HandleAsync(trigger, ct);
            audit.AddRange(decisions);
            var last = decisions[^1];
            _heldBack = last.Outcome == ActionOutcome.Blocked && Pacing.Contains(last.Guardrail);
            if (_heldBack) break; // paced: try again once the guardrail lets actions through
            _pending.Dequeue();
            if (last.Outcome is ActionOutcome.Executed or ActionOutcome.DryRun) Done.Add(move);
            else Refused.Add((move, last));
        }
        return audit;
    }
}
