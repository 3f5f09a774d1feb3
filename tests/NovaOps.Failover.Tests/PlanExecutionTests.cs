using NovaOps.Contracts;
using NovaOps.Placement;
using NovaOps.Remediation;
using NovaOps.Remediation.Actuators;
using NovaOps.Remediation.Guardrails;
using NovaOps.Remediation.Runbooks;

namespace NovaOps.Failover.Tests;

public class PlanExecutionTests
{
    private static string ShippedRunbook() => NovaOps.Tests.Shared.Repository.Path("streams", "NovaOps.Remediation", "runbooks", "30-failover.yaml");

    private sealed class Recording : IActuator
    {
        public List<ActionCommand> Commands { get; } = [];
        public Task<ActuatorResult> ExecuteAsync(ActionCommand command, CancellationToken ct) { Commands.Add(command); return Task.FromResult(ActuatorResult.Ok()); }
    }

    [Fact]
    public async Task The_moves_go_through_the_executor_paced_by_its_rate_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        var engine = new PlacementEngine([new HostSpec("a1", "eu-west", "eu-west-a", "r1", 64, 256, 1000), new HostSpec("b1", "eu-west", "eu-west-b", "r1", 64, 256, 1000)]);
        for (int i = 0; i < 12; i++) engine.Place(new VmRequest($"v{i}", "t", TenantTier.Gold, 2, 8, 10, "eu-west", "eu-west-a"));
        var plan = FailoverPlanner.EvacuateZone(engine, "eu-west-a");
        Assert.Equal(12, plan.Moves.Count);

        var actuator = new Recording();
        var executor = new RemediationExecutor(new RunbookSet(RunbookLoader.Parse(File.ReadAllText(ShippedRunbook()))),
            new RemediationOptions { Guardrails = new GuardrailOptions { MaxActionsPerWindow = 5, RateWindow = TimeSpan.FromMinutes(1), MaxZoneShare = 0.01 } },
            actuator, new FleetInventory());
        var run = new PlanExecution(plan, executor, "p1");
        long t0 = 1_700_000_000_000;
        var audit = new List<ActionRecord>(await run.StepAsync(t0, ct));
        Assert.Equal(5, actuator.Commands.Count); // the rate limit holds the rest back; the blast radius does not apply
        audit.AddRange(await run.StepAsync(t0 + 30_000, ct));
        Assert.Equal(5, actuator.Commands.Count);
        audit.AddRange(await run.StepAsync(t0 + 61_000, ct));
        audit.AddRange(await run.StepAsync(t0 + 122_000, ct));
        Assert.Equal(12, actuator.Commands.Count);
        // The audit holds the twelve moves and one refusal per wait (at t0 and at t0 + 61 s), not one per step of waiting.
        Assert.Equal(12, audit.Count(a => a.Outcome == ActionOutcome.Executed));
        Assert.Equal(["rate_limit", "rate_limit"], audit.Where(a => a.Outcome == ActionOutcome.Blocked).Select(a => a.Guardrail));
        Assert.Equal(0, run.Pending);
        Assert.Empty(run.Refused);
        Assert.All(actuator.Commands, c => Assert.Equal((ActionKind.LiveMigrate, "b1"), (c.Kind, c.Parameters["to_host"])));
    }
}
