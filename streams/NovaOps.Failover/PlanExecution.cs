using NovaOps.Contracts;
using NovaOps.Remediation;
using NovaOps.Remediation.Runbooks;
using NovaOps.Remediation.Triggers;

namespace NovaOps.Failover;

/// <summary>
/// Carries out an evacuation plan as live-migrate actions through the remediation executor, so its rate limit
/// and concurrency caps pace the moves: each move is an operator trigger (runbook <see cref="Runbook"/>) with its
/// destination host; a move the rate limit or a concurrency cap holds back is offered again at the next step,
/// any other refusal is final and reported. The blast-radius caps do not apply to an operator's moves (the
/// evacuation was approved as a whole).
/// </summary>
public sealed class PlanExecution(EvacuationPlan plan, RemediationExecutor executor, string planId)
{
    /// <summary>The runbook the executor needs for the moves (add it to the runbooks in force).</summary>
    public const string RunbookYaml = """
        runbooks:
          - name: failover-migrate
            description: A move of an approved evacuation plan (the failover planner).
            match: { triggers: [operator], target_kinds: [vm] }
            actions:
              - action: live_migrate
                approval: auto
        """;

    private static readonly HashSet<string> Pacing = ["rate_limit", "concurrency", "zone_concurrency"];
    private readonly Queue<Move> _pending = new(plan.Moves);

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
            var trigger = new Trigger($"failover:{planId}:{move.VmId}:{nowMs}", TriggerSource.Operator, move.VmId, NodeKind.Vm, "", move.FromHost, "", move.Tier, 1, null, nowMs,
                new Dictionary<string, string> { ["to_host"] = move.ToHost, ["to_zone"] = move.ToZone, ["plan"] = planId });
            var decisions = await executor.HandleAsync(trigger, ct);
            audit.AddRange(decisions);
            var last = decisions[^1];
            if (last.Outcome == ActionOutcome.Blocked && Pacing.Contains(last.Guardrail)) break; // paced: try again later
            _pending.Dequeue();
            if (last.Outcome is ActionOutcome.Executed or ActionOutcome.DryRun) Done.Add(move);
            else Refused.Add((move, last));
        }
        return audit;
    }
}
