using NovaOps.Contracts;
using NovaOps.Remediation.Actuators;
using NovaOps.Remediation.Guardrails;

namespace NovaOps.Remediation.Tests;

/// <summary>The safety properties the executor must never break (issue: "Safety tests").</summary>
public class SafetyTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_storm_of_ten_thousand_predictions_within_a_second_never_exceeds_the_blast_radius()
    {
        var actuator = new RecordingActuator();
        // Only the blast radius limits: 10% of a zone's 200 VMs, 25% of a tenant's 100 (2 zones × 200 VMs, 4 tenants).
        var executor = Fleet.Executor(Fleet.Restart, actuator, Fleet.Open with { MaxZoneShare = 0.1, MaxTenantShare = 0.25 }, zones: 2, vmsPerZone: 200);
        var audit = new List<ActionRecord>();
        var rng = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            string vm = $"vm-{rng.Next(2)}-{rng.Next(200)}";
            audit.AddRange(await executor.HandleAsync(Fleet.Prediction(vm, Fleet.T0 + i / 10, key: $"storm-{i}"), Ct));
        }

        var executed = audit.Where(a => a.Outcome == ActionOutcome.Executed).ToList();
        Assert.Equal(executed.Count, actuator.Commands.Count);
        foreach (var zone in executed.GroupBy(a => a.Zone)) Assert.True(zone.Count() <= 20, $"{zone.Key}: {zone.Count()} VMs touched, cap 20");
        Assert.Equal(40, executed.Count); // both zones filled to their cap, no more
        Assert.Equal(executed.Count, executed.Select(a => a.Target).Distinct().Count());
        Assert.Contains(audit, a => a.Outcome == ActionOutcome.Blocked && a.Guardrail == "blast_radius_zone");
        // Every trigger got its decision on the audit: none lost.
        Assert.Equal(10_000, audit.Select(a => a.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task The_tenant_share_caps_a_storm_within_one_zone()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Fleet.Restart, actuator, Fleet.Open with { MaxTenantShare = 0.05 }, zones: 1, vmsPerZone: 200);
        var audit = new List<ActionRecord>();
        for (int v = 0; v < 200; v++) audit.AddRange(await executor.HandleAsync(Fleet.Prediction($"vm-0-{v}", Fleet.T0), Ct));
        // 50 VMs per tenant: 5% is 2 each.
        Assert.All(audit.Where(a => a.Outcome == ActionOutcome.Executed).GroupBy(a => a.TenantId), g => Assert.Equal(2, g.Count()));
        Assert.Contains(audit, a => a.Guardrail == "blast_radius_tenant");
    }

    [Fact]
    public async Task The_blast_radius_spent_before_a_restart_still_holds_after_it()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Fleet.Restart, actuator, Fleet.Open with { MaxZoneShare = 0.1 }, zones: 1, vmsPerZone: 100);
        var audit = new List<ActionRecord>();
        for (int v = 0; v < 10; v++) audit.AddRange(await executor.HandleAsync(Fleet.Prediction($"vm-0-{v}", Fleet.T0), Ct));
        Assert.Equal(10, audit.Count(a => a.Outcome == ActionOutcome.Executed));

        var restarted = Fleet.Executor(Fleet.Restart, actuator, Fleet.Open with { MaxZoneShare = 0.1 }, zones: 1, vmsPerZone: 100);
        foreach (var r in audit) restarted.Restore(r);
        var next = Assert.Single(await restarted.HandleAsync(Fleet.Prediction("vm-0-50", Fleet.T0 + 1000), Ct));
        Assert.Equal(ActionOutcome.Blocked, next.Outcome);
        Assert.Equal("blast_radius_zone", next.Guardrail);
    }

    [Fact]
    public async Task A_redelivered_prediction_never_acts_twice_not_even_after_a_restart()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Fleet.Restart, actuator);
        var trigger = Fleet.Prediction("vm-0-1", Fleet.T0);
        var first = await executor.HandleAsync(trigger, Ct);
        var again = await executor.HandleAsync(trigger, Ct);
        Assert.Single(actuator.Commands);
        Assert.Equal(ActionOutcome.Executed, Assert.Single(first).Outcome);
        var skipped = Assert.Single(again);
        Assert.Equal(ActionOutcome.Skipped, skipped.Outcome);
        Assert.Contains("already handled", skipped.Reason);

        // A new executor that replays the audit (the actions topic) remembers the trigger.
        var restarted = Fleet.Executor(Fleet.Restart, actuator);
        foreach (var r in first) restarted.Restore(r);
        var afterRestart = await restarted.HandleAsync(trigger, Ct);
        Assert.Single(actuator.Commands);
        Assert.Equal(ActionOutcome.Skipped, Assert.Single(afterRestart).Outcome);
    }

    private const string Drain = """
        runbooks:
          - name: host
            match: { triggers: [root_cause], target_kinds: [host] }
            actions:
              - action: drain_host
                approval: required
              - action: page_human
        """;

    [Fact]
    public async Task Host_drains_run_without_approval_a_few_per_zone_and_leave_the_zone_s_restart_budget_alone()
    {
        var actuator = new RecordingActuator();
        const string yaml = """
            runbooks:
              - name: host
                match: { triggers: [root_cause], target_kinds: [host] }
                actions:
                  - action: drain_host
                  - action: page_human
              - name: leak
                match: { triggers: [prediction], top_metrics: [mem_util] }
                actions:
                  - action: restart_vm
            """;
        var executor = Fleet.Executor(yaml, actuator, Fleet.Open with { MaxZoneShare = 0.1, MaxHostDrainsPerZone = 2 }, zones: 2, vmsPerZone: 100);
        var audit = new List<ActionRecord>();
        foreach (var (host, zone, at) in new[] { ("host-0-1", "zone-0", 0), ("host-0-2", "zone-0", 1), ("host-0-3", "zone-0", 2), ("host-1-1", "zone-1", 3) })
            audit.AddRange(await executor.HandleAsync(Fleet.HostRootCause(host, zone, Fleet.T0 + at * 1000), Ct));

        var drains = audit.Where(a => a.Kind == ActionKind.DrainHost).ToList();
        Assert.Equal(["host-0-1", "host-0-2", "host-1-1"], drains.Where(a => a.Outcome == ActionOutcome.Executed).Select(a => a.Target));
        Assert.All(drains.Where(a => a.Outcome == ActionOutcome.Executed), a => Assert.False(a.ApprovalRequired));
        var third = Assert.Single(drains, a => a.Target == "host-0-3" && a.Outcome == ActionOutcome.Blocked);
        Assert.Equal("host_drains_zone", third.Guardrail);

        // 20 VMs drained in zone-0, more than its 10 % share: restarts there still have their whole budget (10 VMs).
        for (int v = 50; v < 70; v++) audit.AddRange(await executor.HandleAsync(Fleet.Prediction($"vm-0-{v}", Fleet.T0 + 5000), Ct));
        Assert.Equal(10, audit.Count(a => a.Kind == ActionKind.RestartVm && a.Outcome == ActionOutcome.Executed));

        // An hour later the zone may drain again.
        var later = await executor.HandleAsync(Fleet.HostRootCause("host-0-4", "zone-0", Fleet.T0 + 61 * 60_000), Ct);
        Assert.Contains(later, a => a.Kind == ActionKind.DrainHost && a.Outcome == ActionOutcome.Executed);
    }

    [Fact]
    public async Task An_unapproved_destructive_action_never_runs()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Drain, actuator);
        var waiting = Assert.Single(await executor.HandleAsync(Fleet.HostRootCause("host-0-3", "zone-0", Fleet.T0), Ct));
        Assert.Equal(ActionOutcome.AwaitingApproval, waiting.Outcome);
        Assert.True(waiting.ApprovalRequired);
        Assert.Empty(actuator.Commands);

        // Time passes with telemetry, and an approval for some other action: still nothing runs.
        await executor.ApproveAsync(new ApprovalRecord { ActionId = "something-else/0", Approved = true, Approver = "eve", AtMs = Fleet.T0 + 1000 }, Ct);
        await executor.AdvanceAsync(Fleet.T0 + 29 * 60_000, Ct);
        Assert.Empty(actuator.Commands);

        // The approval times out: the drain expires, and the runbook escalates to a human.
        var expired = await executor.AdvanceAsync(Fleet.T0 + 31 * 60_000, Ct);
        Assert.Equal([ActionOutcome.Expired, ActionOutcome.Escalated, ActionOutcome.Executed], expired.Select(a => a.Outcome));
        var only = Assert.Single(actuator.Commands);
        Assert.Equal(ActionKind.PageHuman, only.Kind);

        // A late approval of the expired action does nothing.
        Assert.Empty(await executor.ApproveAsync(new ApprovalRecord { ActionId = waiting.ActionId, Approved = true, Approver = "bob", AtMs = Fleet.T0 + 32 * 60_000 }, Ct));
        Assert.Single(actuator.Commands);
    }

    [Fact]
    public async Task An_approved_destructive_action_runs_and_names_its_approver_and_a_rejected_one_escalates()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Drain, actuator);
        var waiting = Assert.Single(await executor.HandleAsync(Fleet.HostRootCause("host-0-3", "zone-0", Fleet.T0), Ct));
        var approved = await executor.ApproveAsync(new ApprovalRecord { ActionId = waiting.ActionId, Approved = true, Approver = "alice", AtMs = Fleet.T0 + 5000 }, Ct);
        var done = Assert.Single(approved);
        Assert.Equal(ActionOutcome.Executed, done.Outcome);
        Assert.Equal("alice", done.Approver);
        Assert.Equal(10, done.VmsTouched);
        Assert.Equal(ActionKind.DrainHost, Assert.Single(actuator.Commands).Kind);

        var other = Assert.Single(await executor.HandleAsync(Fleet.HostRootCause("host-1-2", "zone-1", Fleet.T0 + 6000), Ct));
        var rejected = await executor.ApproveAsync(new ApprovalRecord { ActionId = other.ActionId, Approved = false, Approver = "bob", Comment = "maintenance", AtMs = Fleet.T0 + 7000 }, Ct);
        Assert.Equal([ActionOutcome.Rejected, ActionOutcome.Escalated, ActionOutcome.Executed], rejected.Select(a => a.Outcome));
        Assert.Equal(ActionKind.PageHuman, actuator.Commands[^1].Kind);
        Assert.DoesNotContain(actuator.Commands, c => c.Target == "host-1-2" && c.Kind == ActionKind.DrainHost);
    }

    [Fact]
    public async Task Dry_run_executes_nothing_and_audits_what_it_would_have_done()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Fleet.Restart, actuator, Fleet.Open with { MaxZoneShare = 0.05 }, dryRun: true);
        var audit = new List<ActionRecord>();
        for (int v = 0; v < 20; v++) audit.AddRange(await executor.HandleAsync(Fleet.Prediction($"vm-0-{v}", Fleet.T0), Ct));
        audit.AddRange(await executor.HandleAsync(Fleet.HostRootCause("host-0-1", "zone-0", Fleet.T0), Ct));
        audit.AddRange(await executor.AdvanceAsync(Fleet.T0 + 3_600_000, Ct));

        Assert.Empty(actuator.Commands);
        Assert.All(audit, a => Assert.True(a.DryRun));
        Assert.Equal(5, audit.Count(a => a.Outcome == ActionOutcome.DryRun)); // 5% of 100 VMs: the guardrails still apply
        Assert.Contains(audit, a => a.Outcome == ActionOutcome.Blocked && a.Guardrail == "blast_radius_zone");
        Assert.DoesNotContain(audit, a => a.Outcome == ActionOutcome.Executed);
    }

    [Fact]
    public async Task A_failing_actuator_is_retried_then_escalated_never_dropped()
    {
        using var server = new WebhookServer(body => body.Contains("\"restart_vm\"") ? 500 : 200);
        using var webhook = new WebhookActuator(new WebhookOptions { Url = server.Url, MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(10), BreakerMinimumCalls = 100 });
        var executor = Fleet.Executor(Fleet.Restart, webhook);
        var audit = await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0), Ct);

        Assert.Equal([ActionOutcome.Failed, ActionOutcome.Escalated, ActionOutcome.Executed], audit.Select(a => a.Outcome));
        Assert.Equal(3, audit[0].Attempts); // the first try and 2 retries
        Assert.Contains("500", audit[0].Error);
        Assert.Equal(ActionKind.LiveMigrate, audit[2].Kind);
        Assert.Equal(4, server.Requests.Count);
    }

    [Fact]
    public async Task A_timing_out_actuator_is_retried_then_escalated_to_a_human()
    {
        using var server = new WebhookServer(body => body.Contains("\"page_human\"") ? 200 : -1); // -1: never answers
        using var webhook = new WebhookActuator(new WebhookOptions
        {
            Url = server.Url, MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10), AttemptTimeout = TimeSpan.FromMilliseconds(200), BreakerMinimumCalls = 100,
        });
        var executor = Fleet.Executor("""
            runbooks:
              - name: leak
                match: { triggers: [prediction] }
                actions:
                  - action: restart_vm
            """, webhook);
        var audit = await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0), Ct);

        Assert.Equal([ActionOutcome.Failed, ActionOutcome.Escalated, ActionOutcome.Executed], audit.Select(a => a.Outcome));
        Assert.Equal(2, audit[0].Attempts);
        Assert.Contains("timeout", audit[0].Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ActionKind.PageHuman, audit[2].Kind);
    }
}
