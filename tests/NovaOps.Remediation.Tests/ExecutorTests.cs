using NovaOps.Contracts;
using NovaOps.Remediation.Actuators;

namespace NovaOps.Remediation.Tests;

public class ExecutorTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_action_whose_metric_recovers_is_verified_and_frees_its_slot()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Fleet.Restart, actuator);
        var executed = Assert.Single(await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0), Ct));
        Assert.Equal(ActionOutcome.Executed, executed.Outcome);
        Assert.Equal(1, executor.Active);

        Assert.Empty(await executor.ObserveAsync(Fleet.Sample("vm-0-1", Fleet.T0 + 60_000, mem: 95), Ct)); // not yet
        var verified = Assert.Single(await executor.ObserveAsync(Fleet.Sample("vm-0-1", Fleet.T0 + 120_000, mem: 45), Ct));
        Assert.Equal(ActionOutcome.Verified, verified.Outcome);
        Assert.Contains("120 s after", verified.Reason);
        Assert.Equal(0, executor.Active);
    }

    [Fact]
    public async Task An_action_that_does_not_help_escalates_to_the_next_one_then_to_a_human()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Fleet.Restart, actuator);
        await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0), Ct);
        var audit = new List<ActionRecord>();
        for (int m = 1; m <= 21; m++) audit.AddRange(await executor.ObserveAsync(Fleet.Sample("vm-0-1", Fleet.T0 + m * 60_000, mem: 96), Ct));

        Assert.Equal([ActionOutcome.NotRecovered, ActionOutcome.Escalated, ActionOutcome.Executed, ActionOutcome.NotRecovered, ActionOutcome.Escalated, ActionOutcome.Executed],
            audit.Select(a => a.Outcome));
        Assert.Equal(Fleet.T0 + 10 * 60_000, audit[0].AtMs); // at the restart's deadline
        Assert.Equal([ActionKind.RestartVm, ActionKind.LiveMigrate, ActionKind.PageHuman], actuator.Commands.Select(c => c.Kind));
        Assert.Equal(0, executor.Active);
    }

    [Fact]
    public async Task A_throttle_that_does_not_help_is_rolled_back()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor("""
            runbooks:
              - name: cpu
                match: { top_metrics: [cpu_util] }
                actions:
                  - action: throttle
                    parameters: { cpu_cap_percent: "60" }
                    verify: { metric: cpu_util, below: 85, within: 5m }
                    rollback: true
            """, actuator);
        await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0, MetricNames.CpuUtil), Ct);
        var audit = await executor.AdvanceAsync(Fleet.T0 + 6 * 60_000, Ct);

        Assert.Equal([ActionOutcome.NotRecovered, ActionOutcome.RolledBack, ActionOutcome.Escalated, ActionOutcome.Executed], audit.Select(a => a.Outcome));
        Assert.Contains("no cpu_util of vm-0-1 seen", audit[0].Reason);
        Assert.Equal([(ActionKind.Throttle, false), (ActionKind.Throttle, true), (ActionKind.PageHuman, false)], actuator.Commands.Select(c => (c.Kind, c.Undo)));
        Assert.Equal("60", actuator.Commands[0].Parameters["cpu_cap_percent"]);
    }

    [Fact]
    public async Task A_target_is_remediated_once_at_a_time_and_then_cools_down()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Fleet.Restart, actuator);
        await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0), Ct);
        var busy = Assert.Single(await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0 + 30_000), Ct));
        Assert.Equal(ActionOutcome.Skipped, busy.Outcome);
        Assert.Contains("already being remediated", busy.Reason);

        await executor.ObserveAsync(Fleet.Sample("vm-0-1", Fleet.T0 + 60_000, mem: 40), Ct); // verified
        var cooling = Assert.Single(await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0 + 120_000), Ct));
        Assert.Equal((ActionOutcome.Blocked, "cooldown"), (cooling.Outcome, cooling.Guardrail));
        var later = Assert.Single(await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0 + 31 * 60_000), Ct));
        Assert.Equal(ActionOutcome.Executed, later.Outcome);
        Assert.Equal(2, actuator.Commands.Count);
    }

    [Fact]
    public async Task An_operators_move_is_not_held_by_the_cooldown_automation_started()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Fleet.Restart + """

              - name: failover-migrate
                match: { triggers: [operator], target_kinds: [vm] }
                actions:
                  - action: live_migrate
                    approval: auto
            """, actuator);
        await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0), Ct);
        await executor.ObserveAsync(Fleet.Sample("vm-0-1", Fleet.T0 + 60_000, mem: 40), Ct); // verified: the VM cools down
        Assert.Equal("cooldown", Assert.Single(await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0 + 120_000), Ct)).Guardrail);
        var move = new NovaOps.Remediation.Triggers.Trigger("failover:p1:vm-0-1:1", NovaOps.Remediation.Triggers.TriggerSource.Operator, "vm-0-1", NodeKind.Vm,
            "zone-0", "host-0-0", "tenant-1", TenantTier.Gold, 1, null, Fleet.T0 + 130_000, new Dictionary<string, string> { ["to_host"] = "host-0-5" });
        var moved = Assert.Single(await executor.HandleAsync(move, Ct));
        Assert.Equal(ActionOutcome.Executed, moved.Outcome);
        Assert.Equal((ActionKind.LiveMigrate, "host-0-5"), (actuator.Commands[^1].Kind, actuator.Commands[^1].Parameters["to_host"]));
    }

    [Fact]
    public async Task Concurrency_and_rate_limits_hold_actions_back()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Fleet.Restart, actuator, Fleet.Open with { MaxConcurrentPerZone = 3, MaxConcurrent = 5, MaxActionsPerWindow = 100 });
        var audit = new List<ActionRecord>();
        for (int v = 0; v < 5; v++) audit.AddRange(await executor.HandleAsync(Fleet.Prediction($"vm-0-{v}", Fleet.T0), Ct));
        for (int v = 0; v < 5; v++) audit.AddRange(await executor.HandleAsync(Fleet.Prediction($"vm-1-{v}", Fleet.T0), Ct));
        Assert.Equal(3, audit.Count(a => a.Zone == "zone-0" && a.Outcome == ActionOutcome.Executed));
        Assert.Equal(2, audit.Count(a => a.Zone == "zone-1" && a.Outcome == ActionOutcome.Executed)); // 5 in flight fleet-wide
        Assert.Contains(audit, a => a.Guardrail == "zone_concurrency");
        Assert.Contains(audit, a => a.Guardrail == "concurrency");

        var rated = Fleet.Executor(Fleet.Restart, new RecordingActuator(), Fleet.Open with { MaxActionsPerWindow = 4, RateWindow = TimeSpan.FromMinutes(1) });
        var outcomes = new List<ActionRecord>();
        for (int v = 0; v < 6; v++) outcomes.AddRange(await rated.HandleAsync(Fleet.Prediction($"vm-0-{v}", Fleet.T0 + v * 1000), Ct));
        outcomes.AddRange(await rated.HandleAsync(Fleet.Prediction("vm-0-50", Fleet.T0 + 61_000), Ct)); // the window moved on
        Assert.Equal([true, true, true, true, false, false, true], outcomes.Select(a => a.Outcome == ActionOutcome.Executed));
        Assert.Equal("rate_limit", outcomes[4].Guardrail);
    }

    [Fact]
    public async Task Triggers_no_runbook_answers_are_audited_as_skipped()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(Fleet.Restart, actuator);
        var low = Assert.Single(await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0, p: 0.5), Ct));
        var other = Assert.Single(await executor.HandleAsync(Fleet.Prediction("vm-0-2", Fleet.T0, MetricNames.ErrorRate), Ct));
        Assert.All([low, other], a => Assert.Equal((ActionOutcome.Skipped, "no runbook matches"), (a.Outcome, a.Reason)));
        Assert.Empty(actuator.Commands);
    }

    [Fact]
    public async Task A_vm_the_executor_has_never_seen_is_not_acted_on_blind()
    {
        var executor = Fleet.Executor(Fleet.Restart, new RecordingActuator(), Fleet.Open with { MaxZoneShare = 0.1 }, zones: 1);
        var unknown = Assert.Single(await executor.HandleAsync(Fleet.Prediction("vm-7-1", Fleet.T0), Ct)); // zone-7: no telemetry yet
        Assert.Equal((ActionOutcome.Blocked, "blast_radius_zone"), (unknown.Outcome, unknown.Guardrail));
    }

    [Fact]
    public async Task A_when_condition_reads_the_targets_latest_sample()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor("""
            runbooks:
              - name: leak
                match:
                  top_metrics: [mem_util]
                  when: [{ metric: mem_util, above: 90 }]
                actions: [{ action: restart_vm }]
            """, actuator);
        var normal = Assert.Single(await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0), Ct)); // memory at 50
        Assert.Equal("no runbook matches", normal.Reason);
        await executor.ObserveAsync(Fleet.Sample("vm-0-2", Fleet.T0, mem: 95), Ct);
        var high = Assert.Single(await executor.HandleAsync(Fleet.Prediction("vm-0-2", Fleet.T0 + 1), Ct));
        Assert.Equal(ActionOutcome.Executed, high.Outcome);
        var unseen = Assert.Single(await executor.HandleAsync(Fleet.Prediction("vm-9-1", Fleet.T0 + 2), Ct)); // no sample: no match
        Assert.Equal(ActionOutcome.Skipped, unseen.Outcome);
    }

    [Fact]
    public async Task A_human_is_paged_once_about_a_target_not_at_every_trigger()
    {
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor("runbooks:\n  - name: p\n    actions: [{ action: page_human }]\n", actuator);
        var audit = new List<ActionRecord>();
        for (int i = 0; i < 5; i++) audit.AddRange(await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0 + i * 60_000), Ct));
        audit.AddRange(await executor.HandleAsync(Fleet.Prediction("vm-0-1", Fleet.T0 + 31 * 60_000), Ct));
        Assert.Equal(2, actuator.Commands.Count);
        Assert.Equal(4, audit.Count(a => a.Guardrail == "page_cooldown"));
    }
}
