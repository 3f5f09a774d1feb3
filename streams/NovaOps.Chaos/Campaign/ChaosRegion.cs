using System.Diagnostics;
using Confluent.Kafka;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Simulator;
using NovaOps.Simulator.Emit;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Chaos.Campaign;

/// <summary>How the region under the campaign is shaped.</summary>
public sealed record ChaosOptions
{
    public int Vms { get; init; } = 200;
    public double RecordsPerSecond { get; init; } = 1_000;
    public int Partitions { get; init; } = 4;
    /// <summary>How long a service may take to process again once a fault ends (the invariant).</summary>
    public TimeSpan RecoveryLimit { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long the anomaly app has, after a fault, to commit every record published up to its end.</summary>
    public TimeSpan DrainLimit { get; init; } = TimeSpan.FromSeconds(90);
    public TimeSpan BrokerDown { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Between a service's kill and its restart.</summary>
    public TimeSpan KillPause { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The region under fault: the embedded broker (whose faults the scenarios inject), the four services as processes, a
/// simulated fleet publishing telemetry at a steady pace (faults included, so the executor acts), and what the
/// invariants read: the telemetry topic's ends, the anomaly app's committed offsets, the audit and dead-letter topics.
/// </summary>
public sealed class ChaosRegion : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IConsumer<string, byte[]> _positions;
    private readonly IProducer<string, byte[]> _producer;
    private Task? _publishing;

    public ChaosRegion(EmbeddedKafkaCluster cluster, TopicNames topics, string anomalyGroup, IReadOnlyList<string> apps,
        Func<string, int, ProcessStartInfo> command, ChaosOptions options)
    {
        Cluster = cluster;
        Topics = topics;
        Options = options;
        Services = apps.ToDictionary(a => a, a => new ServiceProcess(a, command));
        NovaOps.Kafka.KafkaClientOptions kafka = cluster.BootstrapServers;
        _positions = new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig { GroupId = anomalyGroup, EnableAutoCommit = false })).Build();
        _producer = new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig { Acks = Acks.All })).Build();
        Kafka = kafka;
    }

    public EmbeddedKafkaCluster Cluster { get; }
    public TopicNames Topics { get; }
    public ChaosOptions Options { get; }
    public NovaOps.Kafka.KafkaClientOptions Kafka { get; }
    public IReadOnlyDictionary<string, ServiceProcess> Services { get; }

    public async Task StartAsync(CancellationToken ct)
    {
        foreach (var s in Services.Values) await s.StartAsync(ct);
        const long ticks = 1_000_000; // far more than a campaign publishes: stopped by disposal
        var fleet = new FleetLayout(new SimulatorOptions
        {
            Vms = Options.Vms, FaultsPerHour = 30, FaultFreePrefix = TimeSpan.FromMinutes(10),
        }.EndingAt(DateTimeOffset.UtcNow.AddDays(-1), 0));
        var emitter = new TelemetryEmitter(new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, 20_000)), Topics, Kafka,
            new EmitterOptions { Ticks = ticks, RecordsPerSecond = Options.RecordsPerSecond });
        _publishing = emitter.RunAsync(_stop.Token);
    }

    /// <summary>Each telemetry partition's end offset now.</summary>
    public long[] TelemetryEnds() => Ends(Topics.Telemetry);

    /// <summary>Each partition's end offset now, by partition number.</summary>
    public long[] Ends(string topic)
    {
        if (!_partitions.TryGetValue(topic, out int count))
        {
            using var admin = new DependentAdminClientBuilder(_positions.Handle).Build();
            _partitions[topic] = count = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
        }
        return Patiently(() => Enumerable.Range(0, count).Select(p => _positions.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value).ToArray());
    }

    /// <summary>
    /// The campaign's own look at the cluster, asked again while the cluster does not answer (a broker just back up):
    /// its measurements must ride out the faults it injects, up to a minute.
    /// </summary>
    private static T Patiently<T>(Func<T> ask)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try { return ask(); }
            catch (KafkaException) when (clock.Elapsed < TimeSpan.FromMinutes(1)) { Thread.Sleep(500); }
        }
    }

    private readonly Dictionary<string, int> _partitions = new(StringComparer.Ordinal);

    /// <summary>The anomaly app's committed offset per telemetry partition (0 where it has committed none).</summary>
    public long[] Committed()
    {
        var parts = Enumerable.Range(0, Options.Partitions).Select(p => new TopicPartition(Topics.Telemetry, p)).ToList();
        return Patiently(() => _positions.Committed(parts, TimeSpan.FromSeconds(10)).OrderBy(c => c.Partition.Value).Select(c => Math.Max(0, c.Offset.Value)).ToArray());
    }

    public void Produce(string topic, string key, byte[] value)
    {
        _producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });
    }

    public void Flush() => _producer.Flush(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_publishing is not null)
        {
            try { await _publishing.WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
        }
        foreach (var s in Services.Values) s.Dispose();
        _producer.Dispose();
        _positions.Dispose();
        _stop.Dispose();
    }
}
