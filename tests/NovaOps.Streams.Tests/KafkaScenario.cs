using NovaOps.Streams.Hosting;
using System.Diagnostics;
using Confluent.Kafka;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Detection.Statistical;
using NovaOps.Observability;
using NovaOps.Streams.Anomaly;

namespace NovaOps.Streams.Tests;

/// <summary>
/// Drives the anomaly app over a real Kafka protocol: produce with a Confluent producer, read the
/// outputs with a separate consumer. Shared by the embedded-broker and Testcontainers tests.
/// </summary>
internal sealed class KafkaScenario(string bootstrapServers, ITopicProvisioner provisioner) : IAsyncDisposable
{
    public TopicNames Topics { get; } = new($"it-{Guid.NewGuid():N}"[..11]);
    public AnomalyTopologyOptions Options { get; private set; } = new();
    private readonly List<string> _stateDirs = [];

    public async Task ProvisionAsync()
    {
        Options = new AnomalyTopologyOptions { ApplicationId = $"{Topics.Prefix}-anomaly" };
        await provisioner.EnsureTopicsAsync([.. AnomalyTopology.RequiredTopics(Topics, Options, partitions: 4), .. NovaOps.Streams.Rca.RcaTopology.RequiredTopics(Topics, partitions: 4)]);
    }

    /// <summary>Stream settings of the apps started here: a new member waits one session timeout to join a group on the embedded broker, so keep it short.</summary>
    private static StreamAppOptions StreamSettings(string stateDir) => new() { StateDirectory = stateDir, CommitIntervalMs = 200, SessionTimeoutMs = 6000 };

    public async Task<AnomalyApp> StartAppAsync(PipelineMetrics metrics, string? stateDir = null, Func<AnomalyTopologyOptions, AnomalyTopologyOptions>? configure = null,
        Func<StreamAppOptions, StreamAppOptions>? streams = null, Microsoft.Extensions.Logging.ILoggerFactory? logging = null)
    {
        stateDir ??= Path.Combine(Path.GetTempPath(), $"novaops-it-{Guid.NewGuid():N}");
        _stateDirs.Add(stateDir);
        var app = new AnomalyApp(bootstrapServers, Topics, configure is null ? Options : configure(Options),
            streams is null ? StreamSettings(stateDir) : streams(StreamSettings(stateDir)),
            schema => new StatisticalDetector(schema), metrics, logging);
        await app.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return app;
    }

    public void Produce(IEnumerable<(string Key, byte[] Value)> records)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers, LingerMs = 2 }).Build();
        foreach (var (k, v) in records) producer.Produce(Topics.Telemetry, new Message<string, byte[]> { Key = k, Value = v });
        producer.Flush(TimeSpan.FromSeconds(30));
    }

    /// <summary>Reads a topic from the start with its own consumer group until <paramref name="until"/> holds or the time is up.</summary>
    public List<T> Read<T>(string topic, Func<byte[], T> parse, Func<List<T>, bool> until, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var items = new List<T>();
        var clock = Stopwatch.StartNew();
        while (!until(items) && clock.Elapsed < timeout)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r?.Message?.Value is not null) items.Add(parse(r.Message.Value));
        }
        consumer.Close();
        return items;
    }

    public static async Task WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < timeout) await Task.Delay(50);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var d in _stateDirs)
            try { Directory.Delete(d, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}
