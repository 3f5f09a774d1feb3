using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Broker;
using NovaOps.Chaos.Fuzzing;
using NovaOps.Contracts;

namespace NovaOps.Chaos.Campaign;

/// <summary>One fault: what it does to the region, returning once the fault has ended.</summary>
public sealed record ChaosScenario(string Name, string Fault, Func<ChaosRegion, CancellationToken, Task> Inject);

/// <summary>The campaign's faults, in the order they run.</summary>
public static class ChaosScenarios
{
    public static IReadOnlyList<ChaosScenario> All(IReadOnlyList<string> apps) =>
    [
        new("broker-down", "broker 2 of 3 down, then up", async (region, ct) =>
        {
            region.Cluster.SetBrokerDown(2);
            try { await Task.Delay(region.Options.BrokerDown, ct); }
            finally { region.Cluster.SetBrokerUp(2); }
        }),
        new("request-errors", "produce and fetch refused (NOT_LEADER_FOR_PARTITION, REQUEST_TIMED_OUT), the next 60 requests of each", async (region, ct) =>
        {
            var errors = Enumerable.Range(0, 60).Select(i => i % 2 == 0 ? ErrorCode.NotLeaderForPartition : ErrorCode.RequestTimedOut).ToArray();
            region.Cluster.FailNextRequests(KafkaRequest.Produce, errors);
            region.Cluster.FailNextRequests(KafkaRequest.Fetch, errors);
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
        }),
        new("latency", "300 ms added to every broker's round trip for 20 s", async (region, ct) =>
        {
            for (int b = 1; b <= region.Cluster.BrokerCount; b++) region.Cluster.SetBrokerRtt(b, TimeSpan.FromMilliseconds(300));
            try { await Task.Delay(TimeSpan.FromSeconds(20), ct); }
            finally { for (int b = 1; b <= region.Cluster.BrokerCount; b++) region.Cluster.SetBrokerRtt(b, TimeSpan.Zero); }
        }),
        .. apps.Select(app => new ChaosScenario($"kill-{app}", $"kill -9 of novaops run {app} mid-stream, restarted after a pause", async (region, ct) =>
        {
            region.Services[app].Kill();
            await Task.Delay(region.Options.KillPause, ct);
            await region.Services[app].StartAsync(ct);
        })),
        new("poison", "malformed, truncated, newer-schema and out-of-range records in every input topic (compacted ones too), then every service restarted to meet them again", async (region, ct) =>
        {
            foreach (var (topic, key, value) in Poison(region.Topics)) region.Produce(topic, key, value);
            region.Flush();
            await Task.Delay(TimeSpan.FromSeconds(3), ct); // the live loops meet them first
            foreach (var service in region.Services.Values)
            {
                service.Kill();
                await service.StartAsync(ct); // a dead-lettered record is never fatal at the next start
            }
        }),
    ];

    /// <summary>Per input topic: random bytes, a truncated record, a huge length, a newer schema; and out-of-range values where a topic has ranges.</summary>
    public static IEnumerable<(string Topic, string Key, byte[] Value)> Poison(TopicNames topics)
    {
        var mutator = new RecordMutator(11);
        foreach (var target in FuzzTargets.All(topics).Where(t => t.Topic != topics.FaultLabels))
        {
            yield return (target.Topic, "poison-random", mutator.Apply(Mutation.RandomBytes, target.Valid) is { Length: > 0 } r ? r : [0xFF]);
            yield return (target.Topic, "poison-truncated", target.Valid[..(target.Valid.Length / 2)]);
            yield return (target.Topic, "poison-huge-length", mutator.Apply(Mutation.HugeLength, target.Valid));
            yield return (target.Topic, "poison-newer-schema", [.. target.Valid, 0x08, 0x63]); // field 1 (schema_version) = 99, read last
        }
        var valid = TelemetrySample.Parser.ParseFrom(FuzzTargets.All(topics)[0].Valid);
        var sample = valid.Clone();
        sample.CpuUtil = -5;
        sample.TimestampMs = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        yield return (topics.Telemetry, sample.VmId, sample.ToByteArray());
        yield return (topics.Hosts, "poison-negative-disk", new HostRecord { SchemaVersion = SchemaVersions.Host, Host = "poison-negative-disk", Zone = "z", Vcpu = 8, MemoryGb = 32, DiskGb = -1 }.ToByteArray());
        var tags = new HostRecord { SchemaVersion = SchemaVersions.Host, Host = "poison-65-tags", Zone = "z", Vcpu = 8, MemoryGb = 32, DiskGb = 10 };
        tags.Tags.Add(Enumerable.Range(0, 65).Select(i => $"t{i}"));
        yield return (topics.Hosts, "poison-65-tags", tags.ToByteArray());
        yield return (topics.Topology, "poison-no-node", new TopologyRecord { SchemaVersion = SchemaVersions.Topology, Kind = NodeKind.Vm }.ToByteArray());
    }
}
