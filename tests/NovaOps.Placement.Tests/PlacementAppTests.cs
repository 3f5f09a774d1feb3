using System.Diagnostics;
using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Observability;
using NovaOps.Streams.Placement;

namespace NovaOps.Placement.Tests;

/// <summary>The placement service on the embedded broker: inventory, requests and predictions in over TCP, responses out.</summary>
public sealed class PlacementAppTests : IDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = new();
    private readonly TopicNames _topics = new($"pl-{Guid.NewGuid():N}"[..11]);

    public void Dispose() => _cluster.Dispose();

    private void Produce(string topic, string key, byte[] value)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    private List<T> Read<T>(string topic, MessageParser<T> parser, int count) where T : IMessage<T>
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers, GroupId = $"reader-{Guid.NewGuid():N}", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        }).Build();
        // By assignment, not subscription: no group join (the embedded broker delays a group's first rebalance by 3 s).
        using (var admin = new DependentAdminClientBuilder(consumer.Handle).Build())
            consumer.Assign(admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        var items = new List<T>();
        var clock = Stopwatch.StartNew();
        while (items.Count < count && clock.Elapsed < TimeSpan.FromSeconds(30))
            if (consumer.Consume(TimeSpan.FromMilliseconds(200))?.Message?.Value is { } v)
            {
                try { items.Add(parser.ParseFrom(v)); }
                catch (InvalidProtocolBufferException) { } // junk a test put there on purpose
            }
        consumer.Close();
        return items;
    }

    private static HostRecord Host(string id, int cpu) =>
        new() { SchemaVersion = SchemaVersions.Host, Host = id, Region = "eu-west", Zone = "eu-west-a", FaultDomain = "r1", Vcpu = cpu, MemoryGb = cpu * 4, DiskGb = 1000 };

    private static PlacementRequest Request(string vm, int cpu = 2) =>
        new() { SchemaVersion = SchemaVersions.Placement, RequestId = $"req-{vm}", VmId = vm, TenantId = "t1", TenantTier = TenantTier.Gold, Vcpu = cpu, MemoryGb = cpu * 4, DiskGb = 10, Region = "eu-west" };

    private async Task<PlacementApp> StartAsync() 
    {
        var app = new PlacementApp(_cluster.BootstrapServers, _topics, new PlacementOptions(), new PipelineMetrics("placement"), $"placement-{Guid.NewGuid():N}");
        await app.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return app;
    }

    [Fact]
    public async Task Requests_get_answers_predicted_failures_steer_them_and_a_restart_keeps_the_placements()
    {
        await new EmbeddedTopicProvisioner(_cluster).EnsureTopicsAsync([.. PlacementApp.RequiredTopics(_topics, 2), new(_topics.Predictions, 2), new(_topics.DeadLetter, 1)], TestContext.Current.CancellationToken);
        Produce(_topics.Hosts, "small", Host("small", 8).ToByteArray());
        Produce(_topics.Hosts, "big", Host("big", 32).ToByteArray());

        await using (var app = await StartAsync())
        {
            Produce(_topics.PlacementRequests, "vm-1", Request("vm-1").ToByteArray());
            Produce(_topics.PlacementRequests, "vm-2", Request("vm-2").ToByteArray());
            Produce(_topics.PlacementRequests, "bad", [0x0A, 0xFF, 0xFF]);
            var first = Read(_topics.PlacementResponses, PlacementResponse.Parser, 2);
            Assert.All(first, r => Assert.Equal(("small", true), (r.Host, r.Placed))); // best fit

            // Alarms on both of small's VMs: small is predicted to fail and gets no new VM.
            foreach (var vm in new[] { "vm-1", "vm-2" })
                Produce(_topics.Predictions, vm, new PredictionEvent { SchemaVersion = SchemaVersions.Prediction, VmId = vm, Host = "small", Alarm = true, WindowEndMs = 1_000_000, Probability = 0.99 }.ToByteArray());
            await WaitFor(() => app.HostsPredictedToFail.Count == 1);
            Produce(_topics.PlacementRequests, "vm-3", Request("vm-3").ToByteArray());
            var third = Read(_topics.PlacementResponses, PlacementResponse.Parser, 3).Single(r => r.VmId == "vm-3");
            Assert.Equal("big", third.Host);
            Assert.Equal(RejectReasons.Malformed, Assert.Single(Read(_topics.DeadLetter, DeadLetter.Parser, 1)).ReasonCode);
        }

        // A new instance rebuilds the placements from its responses: small still holds vm-1 and vm-2.
        await using var again = await StartAsync();
        await WaitFor(() => again.Engine.VmCount >= 3);
        Assert.Equal("small", again.Engine.HostOf("vm-1"));
        Assert.Equal((4, 16, 980), again.Engine.Free("small"));
        Produce(_topics.PlacementRequests, "vm-1", Request("vm-1").ToByteArray()); // asked again: the same answer
        var repeated = Read(_topics.PlacementResponses, PlacementResponse.Parser, 4).Where(r => r.VmId == "vm-1").ToList();
        Assert.Equal(2, repeated.Count);
        Assert.All(repeated, r => Assert.Equal("small", r.Host));
        Assert.Equal((4, 16, 980), again.Engine.Free("small"));
    }

    private static FailoverRequest Failover(string id, NodeKind scope, string target, bool dryRun = false) =>
        new() { SchemaVersion = SchemaVersions.Failover, RequestId = id, Scope = scope, Target = target, RequestedAtMs = 1_000, DryRun = dryRun };

    [Fact]
    public async Task A_failover_request_gets_a_plan_its_hosts_go_into_maintenance_and_a_restart_keeps_the_moves()
    {
        await new EmbeddedTopicProvisioner(_cluster).EnsureTopicsAsync([.. PlacementApp.RequiredTopics(_topics, 2), new(_topics.Predictions, 2), new(_topics.DeadLetter, 1)], TestContext.Current.CancellationToken);
        await using (var app = await StartAsync())
        {
            // An inventory import read before its host: held until the host arrives, then recorded where it runs.
            Produce(_topics.PlacementRequests, "vm-1", Request("vm-1").Also(r => r.Host = "failing").ToByteArray());
            Produce(_topics.PlacementRequests, "vm-2", Request("vm-2").Also(r => r.Host = "failing").ToByteArray());
            await Task.Delay(500, TestContext.Current.CancellationToken);
            Produce(_topics.Hosts, "failing", Host("failing", 8).ToByteArray());
            Produce(_topics.Hosts, "spare", Host("spare", 32).ToByteArray());
            // Both hosts known before planning: under load the spare could arrive after the plan (0 moves).
            await WaitFor(() => app.Engine.VmCount == 2 && app.Engine.HostCount == 2);
            Assert.Equal("failing", app.Engine.HostOf("vm-1"));

            // What-if first: a plan, nothing moved, nothing marked.
            Produce(_topics.FailoverRequests, "failing", Failover("what-if", NodeKind.Host, "failing", dryRun: true).ToByteArray());
            var whatIf = Assert.Single(Read(_topics.FailoverPlans, EvacuationPlanRecord.Parser, 1));
            Assert.True(whatIf.DryRun);
            Assert.Equal(2, whatIf.Moves.Count);
            Assert.Equal("failing", app.Engine.HostOf("vm-1"));
            Assert.True(app.Engine.IsAvailable("failing"));

            Produce(_topics.FailoverRequests, "failing", Failover("drain-1", NodeKind.Host, "failing").ToByteArray());
            Produce(_topics.FailoverRequests, "failing", Failover("drain-1", NodeKind.Host, "failing").ToByteArray()); // redelivered: planned once
            Produce(_topics.FailoverRequests, "mars-a", Failover("evac-1", NodeKind.Zone, "mars-a").ToByteArray());
            var plans = Read(_topics.FailoverPlans, EvacuationPlanRecord.Parser, 4);
            Assert.Equal(3, plans.Count);
            var plan = plans.Single(p => p.PlanId == "drain-1");
            Assert.Equal("", plan.Refused);
            Assert.All(plan.Moves, m => Assert.Equal(("failing", "spare"), (m.FromHost, m.ToHost)));
            Assert.Equal(["vm-1", "vm-2"], plan.Moves.Select(m => m.VmId).Order());
            Assert.Contains("unknown zone mars-a", plans.Single(p => p.PlanId == "evac-1").Refused);
            Assert.Equal("spare", app.Engine.HostOf("vm-2"));
            // The failing host is republished in maintenance (the compacted inventory remembers it).
            Assert.Contains(Read(_topics.Hosts, HostRecord.Parser, 3), h => h.Host == "failing" && h.Maintenance);
        }

        // A new instance: the moves (answers on placement-responses) and the maintenance hold; the plan is not made again.
        await using var again = await StartAsync();
        await WaitFor(() => again.Engine.VmCount == 2 && !again.Engine.IsAvailable("failing"));
        Assert.Equal(("spare", "spare"), (again.Engine.HostOf("vm-1"), again.Engine.HostOf("vm-2")));
        Assert.False(again.Engine.IsAvailable("failing"));
        Assert.Equal((8, 32, 1000), again.Engine.Free("failing"));
        Produce(_topics.FailoverRequests, "failing", Failover("drain-1", NodeKind.Host, "failing").ToByteArray());
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        Assert.Equal(3, Read(_topics.FailoverPlans, EvacuationPlanRecord.Parser, 4).Count);
    }

    [Fact]
    public async Task Records_the_live_loop_dead_letters_are_never_fatal_at_a_later_start()
    {
        await new EmbeddedTopicProvisioner(_cluster).EnsureTopicsAsync([.. PlacementApp.RequiredTopics(_topics, 2), new(_topics.Predictions, 2), new(_topics.DeadLetter, 1)], TestContext.Current.CancellationToken);
        // What a compacted inventory can keep for good: garbage, a negative disk, a 65th tag, a newer schema, an empty id.
        var poison = new (string Key, byte[] Value, string Code)[]
        {
            ("garbage", [0x0A, 0xFF, 0xFF, 0x12], RejectReasons.Malformed),
            ("neg-disk", Host("neg-disk", 8).Also(h => h.DiskGb = -1).ToByteArray(), RejectReasons.OutOfRange),
            ("tags", Host("tags", 8).Also(h => h.Tags.Add(Enumerable.Range(0, 65).Select(i => $"t{i}"))).ToByteArray(), RejectReasons.OutOfRange),
            ("future", Host("future", 8).Also(h => h.SchemaVersion = SchemaVersions.Host + 1).ToByteArray(), RejectReasons.UnknownSchemaVersion),
            ("no-id", Host("", 8).ToByteArray(), RejectReasons.MissingField),
            ("tier", Host("tier", 8).Also(h => h.Tiers.Add((TenantTier)77)).ToByteArray(), RejectReasons.OutOfRange),
        };
        foreach (var (key, value, _) in poison) Produce(_topics.Hosts, key, value);
        Produce(_topics.Hosts, "good", Host("good", 16).ToByteArray());
        // Unreadable records in the service's own output topics, which the replay reads too.
        Produce(_topics.PlacementResponses, "junk", [0x08, 0x80]);
        Produce(_topics.FailoverPlans, "junk", [0xFF]);

        await using (var app = await StartAsync())
        {
            Assert.Equal(1, app.Engine.HostCount); // the replay kept only the good host
            var letters = Read(_topics.DeadLetter, DeadLetter.Parser, poison.Length);
            Assert.Equal(poison.Select(p => p.Code).Order(), letters.Select(l => l.ReasonCode).Order()); // the live loop dead-letters each, with why
            Assert.All(letters, l => Assert.False(string.IsNullOrEmpty(l.Reason)));
            Produce(_topics.PlacementRequests, "vm-1", Request("vm-1").ToByteArray());
            Assert.Equal("good", Assert.Single(Read(_topics.PlacementResponses, PlacementResponse.Parser, 2), r => r.VmId == "vm-1").Host);
            Assert.Null(app.Failure);
        }

        // The next start meets every one of them again in the replay: it starts, and keeps what it had.
        await using var again = await StartAsync();
        await WaitFor(() => again.Engine.VmCount == 1);
        Assert.Equal((1, "good"), (again.Engine.HostCount, again.Engine.HostOf("vm-1")));
        Assert.Null(again.Failure);
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
    }
}

internal static class ProtoExtensions
{
    /// <summary>Changes a message in an expression (the generated classes have no with-expressions).</summary>
    public static T Also<T>(this T message, Action<T> change)
    {
        change(message);
        return message;
    }
}
