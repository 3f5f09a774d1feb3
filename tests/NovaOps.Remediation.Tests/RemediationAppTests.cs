using System.Diagnostics;
using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Observability;
using NovaOps.Remediation.Guardrails;
using NovaOps.Streams.Remediation;
using NovaOps.Streams.Remediation.Actuators;

namespace NovaOps.Remediation.Tests;

/// <summary>The executor as a service on the embedded broker: records in over TCP, decisions and fleet commands out.</summary>
public sealed class RemediationAppTests : IDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = new();
    private readonly TopicNames _topics = new($"rem-{Guid.NewGuid():N}"[..12]);
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    public void Dispose() => _cluster.Dispose();

    private async Task ProvisionAsync() => await new EmbeddedTopicProvisioner(_cluster).EnsureTopicsAsync(
        [.. RemediationApp.RequiredTopics(_topics), new(_topics.Telemetry, 4), new(_topics.Predictions, 4), new(_topics.Anomalies, 4),
         new(_topics.RootCauses, 2), new(_topics.DeadLetter, 1)]);

    private async Task<RemediationApp> StartAsync(string group, PipelineMetrics metrics)
    {
        var actuator = new SimulatorActuator(_cluster.BootstrapServers, _topics);
        var executor = new RemediationExecutor(Fleet.Runbooks(Fleet.Restart), new RemediationOptions { Guardrails = Fleet.Open }, actuator, new FleetInventory());
        var app = new RemediationApp(_cluster.BootstrapServers, _topics, executor, new RemediationMetrics(metrics), group, disposeWith: actuator);
        await app.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return app;
    }

    private void Produce(string topic, string key, byte[] value)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    private List<T> Read<T>(string topic, MessageParser<T> parser, Func<List<T>, bool> until, TimeSpan timeout) where T : IMessage<T>
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers, GroupId = $"reader-{Guid.NewGuid():N}", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var items = new List<T>();
        var clock = Stopwatch.StartNew();
        while (!until(items) && clock.Elapsed < timeout)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200))?.Message?.Value is { } v) items.Add(parser.ParseFrom(v));
        consumer.Close();
        return items;
    }

    private static PredictionEvent Alarm(string vm, long at)
    {
        var s = Fleet.Sample(vm, at);
        var p = new PredictionEvent
        {
            SchemaVersion = SchemaVersions.Prediction, VmId = vm, Zone = s.Zone, Host = s.Host, TenantId = s.TenantId, TenantTier = s.TenantTier,
            WindowEndMs = at, HorizonMs = 900_000, Probability = 0.97, Model = "incident-gru/1", Alarm = true,
        };
        p.Contributions.Add(new MetricContribution { Metric = MetricNames.MemUtil, Contribution = 0.8 });
        return p;
    }

    [Fact]
    public async Task A_prediction_becomes_a_fleet_command_once_bad_records_are_dead_lettered_and_a_restart_remembers()
    {
        await ProvisionAsync();
        string group = $"executor-{Guid.NewGuid():N}";
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3_600_000;
        var metrics = new PipelineMetrics("remediation");
        await using (var app = await StartAsync(group, metrics))
        {
            foreach (var s in Fleet.Samples(1, 20, now)) Produce(_topics.Telemetry, s.VmId, s.ToByteArray());
            Produce(_topics.Predictions, "vm-0-3", [0x0A, 0xFF, 0xFF]); // garbage
            var alarm = Alarm("vm-0-3", now + 10_000);
            Produce(_topics.Predictions, "vm-0-3", alarm.ToByteArray());
            Produce(_topics.Predictions, "vm-0-3", alarm.ToByteArray()); // redelivered

            var commands = Read(_topics.FleetCommands, FleetCommand.Parser, l => l.Count >= 1, TimeSpan.FromSeconds(30));
            var command = Assert.Single(commands);
            Assert.Equal((ActionKind.RestartVm, "vm-0-3"), (command.Kind, command.Target));
            var audit = Read(_topics.Actions, ActionRecord.Parser, l => l.Count >= 2, TimeSpan.FromSeconds(30));
            Assert.Equal([ActionOutcome.Executed, ActionOutcome.Skipped], audit.Select(a => a.Outcome));
            var letter = Assert.Single(Read(_topics.DeadLetter, DeadLetter.Parser, l => l.Count >= 1, TimeSpan.FromSeconds(30)));
            Assert.Equal((RejectReasons.Malformed, _topics.Predictions), (letter.ReasonCode, letter.SourceTopic));
            await WaitFor(() => metrics.DeadLettered(RejectReasons.Malformed).Value >= 1);

            // The VM recovers: the check passes.
            Produce(_topics.Telemetry, "vm-0-3", Fleet.Sample("vm-0-3", now + 70_000, mem: 40).ToByteArray());
            audit = Read(_topics.Actions, ActionRecord.Parser, l => l.Count >= 3, TimeSpan.FromSeconds(30));
            Assert.Equal(ActionOutcome.Verified, audit[^1].Outcome);
        }

        // A new instance replays the actions topic: the same prediction read again does nothing.
        await using (var again = await StartAsync($"{group}-2", new PipelineMetrics("remediation")))
        {
            Produce(_topics.Predictions, "vm-0-3", Alarm("vm-0-3", now + 10_000).ToByteArray());
            var audit = Read(_topics.Actions, ActionRecord.Parser, l => l.Count(a => a.Outcome == ActionOutcome.Skipped) >= 3, TimeSpan.FromSeconds(30));
            Assert.True(audit.Count(a => a.Outcome == ActionOutcome.Skipped) >= 3, "the replayed executor skips what it was sent before and again");
            Assert.Single(Read(_topics.FleetCommands, FleetCommand.Parser, _ => false, TimeSpan.FromSeconds(2)));
        }
    }

    private const string FailoverRunbook = """
        runbooks:
          - name: failover-migrate
            match: { triggers: [operator], target_kinds: [vm] }
            actions:
              - action: live_migrate
                approval: auto
        """;

    private async Task<RemediationApp> StartWithPlansAsync(string group)
    {
        var actuator = new PlannedEvacuationActuator(_cluster.BootstrapServers, _topics, new SimulatorActuator(_cluster.BootstrapServers, _topics));
        var guardrails = Fleet.Open with { MaxActionsPerWindow = 2, RateWindow = TimeSpan.FromMinutes(1) };
        var executor = new RemediationExecutor(Fleet.Runbooks(FailoverRunbook), new RemediationOptions { Guardrails = guardrails }, actuator, new FleetInventory());
        var app = new RemediationApp(_cluster.BootstrapServers, _topics, executor, new RemediationMetrics(new PipelineMetrics("remediation")), group, disposeWith: actuator);
        await app.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return app;
    }

    [Fact]
    public async Task An_evacuation_plan_becomes_paced_live_migrations_and_a_restart_finishes_it_without_repeating_a_move()
    {
        await ProvisionAsync();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3_600_000;
        var plan = new EvacuationPlanRecord { SchemaVersion = SchemaVersions.Failover, PlanId = "drain-h1", Scope = "host host-0-0", PlannedAtMs = now };
        plan.FailingHosts.Add("host-0-0");
        foreach (var vm in new[] { "vm-0-1", "vm-0-2", "vm-0-3" })
            plan.Moves.Add(new PlannedMove { VmId = vm, Tier = TenantTier.Gold, FromHost = "host-0-0", ToHost = "host-0-1", ToZone = "zone-0" });

        await using (var app = await StartWithPlansAsync($"executor-{Guid.NewGuid():N}"))
        {
            foreach (var s in Fleet.Samples(1, 20, now)) Produce(_topics.Telemetry, s.VmId, s.ToByteArray());
            await WaitFor(() => app.Executor.NowMs >= now);
            Produce(_topics.FailoverPlans, plan.PlanId, plan.ToByteArray());
            // Two moves in the rate window; the third waits.
            var commands = Read(_topics.FleetCommands, FleetCommand.Parser, l => l.Count >= 2, TimeSpan.FromSeconds(30));
            Assert.Equal(2, commands.Count);
            Assert.All(commands, c => Assert.Equal((ActionKind.LiveMigrate, "host-0-1"), (c.Kind, c.Parameters["to_host"])));
            await WaitFor(() => Read(_topics.Actions, ActionRecord.Parser, l => l.Count(a => a.Guardrail == "rate_limit") >= 1, TimeSpan.FromSeconds(5))
                .Any(a => a.Guardrail == "rate_limit"));
            Assert.Equal(1, app.PlansRunning);
        }

        // A new instance resumes the plan from the failover-plans topic without the two moves its audit shows made,
        // and makes the third once the rate window has passed (event time: telemetry a minute later).
        await using (var again = await StartWithPlansAsync($"executor-{Guid.NewGuid():N}"))
        {
            Assert.Equal(1, again.PlansRunning);
            Produce(_topics.Telemetry, "vm-0-9", Fleet.Sample("vm-0-9", now + 61_000).ToByteArray());
            var commands = Read(_topics.FleetCommands, FleetCommand.Parser, l => l.Count >= 3, TimeSpan.FromSeconds(30));
            Assert.Equal(["vm-0-1", "vm-0-2", "vm-0-3"], commands.Select(c => c.Target).Order());
            await WaitFor(() => again.PlansRunning == 0);
            Assert.Equal(0, again.PlansRunning);
        }
        Assert.Equal(3, Read(_topics.FleetCommands, FleetCommand.Parser, _ => false, TimeSpan.FromSeconds(2)).Count);
    }

    [Fact]
    public async Task A_drain_through_the_planner_is_a_failover_request_and_other_actions_go_to_the_fleet()
    {
        await ProvisionAsync();
        using var actuator = new PlannedEvacuationActuator(_cluster.BootstrapServers, _topics, new SimulatorActuator(_cluster.BootstrapServers, _topics));
        var drain = await actuator.ExecuteAsync(new NovaOps.Remediation.Actuators.ActionCommand("rc:inc-1:host-0-0/0", ActionKind.DrainHost, "host-0-0", NodeKind.Host,
            new Dictionary<string, string>(), false, "host failing", 42), Ct);
        var restart = await actuator.ExecuteAsync(new NovaOps.Remediation.Actuators.ActionCommand("p:vm-0-1/0", ActionKind.RestartVm, "vm-0-1", NodeKind.Vm,
            new Dictionary<string, string>(), false, "leak", 43), Ct);
        Assert.True(drain.Succeeded && restart.Succeeded);
        var request = Assert.Single(Read(_topics.FailoverRequests, FailoverRequest.Parser, l => l.Count >= 1, TimeSpan.FromSeconds(20)));
        Assert.Equal(("rc:inc-1:host-0-0/0", NodeKind.Host, "host-0-0"), (request.RequestId, request.Scope, request.Target));
        var command = Assert.Single(Read(_topics.FleetCommands, FleetCommand.Parser, l => l.Count >= 1, TimeSpan.FromSeconds(20)));
        Assert.Equal((ActionKind.RestartVm, "vm-0-1"), (command.Kind, command.Target));
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(50);
    }
}
