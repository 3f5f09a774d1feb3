using System.CommandLine;
using System.Text.Json;
using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Broker;
using NovaOps.Cli.Commands;
using NovaOps.Contracts;
using NovaOps.Observability;
using NovaOps.Streams.Placement;
using Spectre.Console.Testing;

namespace NovaOps.Cli.Tests;

/// <summary><c>novaops failover</c> against a placement service on the embedded broker.</summary>
public sealed class FailoverCommandTests : IDisposable
{
    private static readonly NovaOpsSettings Settings = NovaOpsSettings.Load();
    private readonly EmbeddedKafkaCluster _cluster = new();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-failover-");

    public void Dispose()
    {
        _cluster.Dispose();
        _dir.Delete(recursive: true);
    }

    /// <summary>What the last invocation printed (each invocation writes to a console of its own).</summary>
    private TestConsole _console = new();

    private Task<int> Run(params string[] args)
    {
        _console = new TestConsole();
        return FailoverCommand.Create(Settings, _console).Parse(["--bootstrap-servers", _cluster.BootstrapServers, .. args])
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, TestContext.Current.CancellationToken);
    }

    private void Produce(string topic, string key, IMessage value)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value.ToByteArray() });
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_operator_gets_the_plan_of_a_host_a_dry_run_moves_nothing_and_an_unknown_zone_is_an_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var topics = Settings.Kafka.Topics;
        await RegionTopics.EnsureAsync(new EmbeddedTopicProvisioner(_cluster), Settings, ct);
        await using var placement = new PlacementApp(_cluster.BootstrapServers, topics, Settings.Placement, new PipelineMetrics("placement"), $"placement-{Guid.NewGuid():N}");
        await placement.StartAsync(ct);
        foreach (var h in new[] { "h1", "h2", "h3" })
            Produce(topics.Hosts, h, new HostRecord { SchemaVersion = SchemaVersions.Host, Host = h, Region = "eu-west", Zone = "eu-west-a", FaultDomain = h, Vcpu = 16, MemoryGb = 64, DiskGb = 500 });
        for (int i = 0; i < 6; i++)
            Produce(topics.PlacementRequests, $"vm-{i}", new PlacementRequest
            {
                SchemaVersion = SchemaVersions.Placement, RequestId = $"inv-{i}", VmId = $"vm-{i}", TenantId = "t", TenantTier = (TenantTier)(1 + i % 3),
                Vcpu = 2, MemoryGb = 8, DiskGb = 10, Region = "eu-west", Host = "h1",
            });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (placement.Engine.VmCount < 6 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50, ct);

        string json = Path.Combine(_dir.FullName, "plan.json");
        Assert.Equal(0, await Run("--host", "h1", "--dry-run", "--json", json));
        var plan = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.True(plan.GetProperty("dryRun").GetBoolean());
        var moves = plan.GetProperty("moves").EnumerateArray().ToList();
        Assert.Equal(6, moves.Count);
        Assert.All(moves, m => Assert.NotEqual("h1", m.GetProperty("toHost").GetString()));
        Assert.Equal("TENANT_TIER_PLATINUM", moves[0].GetProperty("tier").GetString()); // platinum first
        Assert.Equal("h1", placement.Engine.HostOf("vm-0"));        // a dry run moves nothing
        Assert.Contains("(dry run: nothing moved)", _console.Output);

        Assert.Equal(0, await Run("--host", "h1"));
        Assert.NotEqual("h1", placement.Engine.HostOf("vm-0"));
        Assert.False(placement.Engine.IsAvailable("h1"));

        var unknown = await Assert.ThrowsAsync<CliException>(() => Run("--zone", "mars-a"));
        Assert.Contains("unknown zone mars-a", unknown.Message);
        Assert.Contains("one of --host or --zone", (await Assert.ThrowsAsync<CliException>(() => Run())).Message);
    }

    [Fact]
    public async Task Without_a_placement_service_it_says_so()
    {
        await RegionTopics.EnsureAsync(new EmbeddedTopicProvisioner(_cluster), Settings, TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<CliException>(() => Run("--zone", "eu-west-a", "--timeout", "2"));
        Assert.Contains("novaops run placement", e.Message);
    }
}
