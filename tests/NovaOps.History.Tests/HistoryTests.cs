using System.Diagnostics;
using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.History.Schema;
using NovaOps.Observability;
using NovaOps.Streams.History;
using NovaOps.Tests.Shared;

namespace NovaOps.History.Tests;

/// <summary>The history sink against a real ClickHouse (18.16 here) and the embedded broker.</summary>
public sealed class HistoryTests(ClickHouseServer clickHouse) : IClassFixture<ClickHouseServer>, IDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = new();
    private readonly TopicNames _topics = new($"hi-{Guid.NewGuid():N}"[..11]);
    private readonly string _database = $"novaops_{Guid.NewGuid():N}"[..20];
    private static readonly long T0 = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3 * 3_600_000) / 60_000 * 60_000;

    public void Dispose() => _cluster.Dispose();

    private HistoryStore Store() => new(new HistoryOptions
    {
        ConnectionString = clickHouse.ConnectionString, Database = _database, BatchRows = 50, BatchDelay = TimeSpan.FromMilliseconds(300),
        MinuteIdleClose = TimeSpan.FromSeconds(1),
    });

    private void Require()
    {
        if (!clickHouse.Available) Repository.Missing("clickhouse-server (Debian package)");
    }

    private void Produce(string topic, string key, IMessage value) => Produce(topic, key, value.ToByteArray());

    private void Produce(string topic, string key, byte[] value)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    private static TelemetrySample Sample(string vm, string tenant, long ms, double cpu) => new()
    {
        SchemaVersion = SchemaVersions.Telemetry, VmId = vm, TenantId = tenant, Region = "eu-west", Zone = "eu-west-a", Host = "h1", TimestampMs = ms,
        CpuUtil = cpu, MemUtil = 50, NetRxBytes = 1000, NetTxBytes = 1000,
    };

    [Fact]
    public async Task Migrations_create_the_tables_once()
    {
        Require();
        using var store = Store();
        Assert.Equal([1u], await store.MigrateAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await store.MigrateAsync(TestContext.Current.CancellationToken));
        var tables = await HistoryQueries.JsonRowsAsync(store.Client, $"SELECT name FROM system.tables WHERE database = '{_database}' ORDER BY name", TestContext.Current.CancellationToken);
        Assert.Equal(["actions", "anomalies", "predictions", "root_causes", "schema_migrations", "telemetry_1m"], tables.Select(t => t.GetProperty("name").GetString()));
    }

    private async Task<HistoryApp> StartAsync(HistoryStore store, string group)
    {
        var app = new HistoryApp(_cluster.BootstrapServers, _topics, store, new PipelineMetrics("history"), group);
        await app.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return app;
    }

    private async Task<long> CountAsync(HistoryStore store, string sql)
    {
        var rows = await HistoryQueries.JsonRowsAsync(store.Client, sql, TestContext.Current.CancellationToken);
        var n = rows.Single().GetProperty("n");
        return n.ValueKind == System.Text.Json.JsonValueKind.String ? long.Parse(n.GetString()!) : n.GetInt64();
    }

    [Fact]
    public async Task Telemetry_rollups_and_events_reach_clickhouse_once_even_when_read_twice_and_usage_adds_them_up()
    {
        Require();
        var ct = TestContext.Current.CancellationToken;
        await new EmbeddedTopicProvisioner(_cluster).EnsureTopicsAsync(
            [new(_topics.Telemetry, 2), new(_topics.Anomalies, 2), new(_topics.Predictions, 2), new(_topics.RootCauses, 1), new(_topics.Actions, 1), new(_topics.DeadLetter, 1)], ct);
        // acme: 2 VMs, 3 minutes of 4 samples; other: 1 VM, 1 minute. Then the events.
        foreach (var vm in new[] { "acme-1", "acme-2" })
            for (int m = 0; m < 3; m++)
                for (int s = 0; s < 4; s++)
                    Produce(_topics.Telemetry, vm, Sample(vm, "acme", T0 + m * 60_000 + s * 15_000, cpu: 10 * (m + 1)));
        for (int s = 0; s < 4; s++) Produce(_topics.Telemetry, "other-1", Sample("other-1", "other", T0 + s * 15_000, 90));
        Produce(_topics.Anomalies, "acme-1", new AnomalyEvent { SchemaVersion = SchemaVersions.Anomaly, VmId = "acme-1", TenantId = "acme", Region = "eu-west", Zone = "eu-west-a",
            WindowStartMs = T0 + 60_000, WindowEndMs = T0 + 120_000, Score = 0.97, Detector = "ae/1",
            Contributions = { new MetricContribution { Metric = MetricNames.CpuUtil, Contribution = 0.9 } } });
        Produce(_topics.Predictions, "acme-2", new PredictionEvent { SchemaVersion = SchemaVersions.Prediction, VmId = "acme-2", TenantId = "acme", WindowEndMs = T0 + 120_000,
            HorizonMs = 900_000, Probability = 0.95, Model = "gru/1", Alarm = true });
        Produce(_topics.RootCauses, "inc-1", new RootCauseEvent { SchemaVersion = SchemaVersions.RootCause, IncidentId = "inc-1", Region = "eu-west", Method = "combined",
            Final = true, AnalysedMs = T0 + 130_000, AnomalousVms = { "acme-1" }, Candidates = { new RootCauseCandidate { Node = "acme-1", Kind = NodeKind.Vm, Score = 0.8 } } });
        Produce(_topics.Actions, "k1", new ActionRecord { SchemaVersion = SchemaVersions.Action, ActionId = "k1/0", IdempotencyKey = "k1", Kind = ActionKind.RestartVm,
            Target = "acme-1", TargetKind = NodeKind.Vm, TenantId = "acme", Outcome = ActionOutcome.Executed, AtMs = T0 + 140_000 });
        Produce(_topics.Anomalies, "bad", [0x0A, 0xFF, 0xFF]); // unreadable: dead-lettered

        using var store = Store();
        await using (var app = await StartAsync(store, $"history-{Guid.NewGuid():N}"))
        {
            var clock = Stopwatch.StartNew();
            while (app.RowsWritten < 7 + 4 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(200, ct); // 7 rollups, 4 events
            Assert.Equal(11, app.RowsWritten);
        }
        // Read everything again (a new reader from the start, the same events redelivered): nothing counts twice.
        Produce(_topics.Actions, "k1", new ActionRecord { SchemaVersion = SchemaVersions.Action, ActionId = "k1/0", IdempotencyKey = "k1", Kind = ActionKind.RestartVm,
            Target = "acme-1", TargetKind = NodeKind.Vm, TenantId = "acme", Outcome = ActionOutcome.Executed, AtMs = T0 + 140_000 });
        await using (var again = await StartAsync(store, $"history-{Guid.NewGuid():N}"))
        {
            var clock = Stopwatch.StartNew();
            while (again.RowsWritten < 12 && clock.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(200, ct);
            Assert.Equal(12, again.RowsWritten);
        }
        // The unreadable record went to the dead-letter topic with its reason and origin, once per reader.
        using (var reader = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers, GroupId = $"r-{Guid.NewGuid():N}", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        }).Build())
        {
            reader.Assign(new TopicPartitionOffset(_topics.DeadLetter, 0, Offset.Beginning));
            var letters = new List<DeadLetter>();
            var clock = Stopwatch.StartNew();
            while (letters.Count < 2 && clock.Elapsed < TimeSpan.FromSeconds(20))
                if (reader.Consume(TimeSpan.FromMilliseconds(200))?.Message?.Value is { } v) letters.Add(DeadLetter.Parser.ParseFrom(v));
            Assert.Equal(2, letters.Count);
            Assert.All(letters, l => Assert.Equal((RejectReasons.Malformed, _topics.Anomalies), (l.ReasonCode, l.SourceTopic)));
            Assert.Contains("history sink cannot read", letters[0].Reason);
        }
        string db = _database;
        Assert.Equal(7, await CountAsync(store, $"SELECT count() AS n FROM {db}.telemetry_1m FINAL"));
        Assert.Equal(1, await CountAsync(store, $"SELECT count() AS n FROM {db}.actions FINAL"));
        Assert.Equal(1, await CountAsync(store, $"SELECT count() AS n FROM {db}.anomalies FINAL"));
        var minute = (await HistoryQueries.JsonRowsAsync(store.Client,
            $"SELECT samples, cpu_avg, cpu_max FROM {db}.telemetry_1m FINAL WHERE vm = 'acme-1' AND minute = toDateTime({(T0 + 60_000) / 1000})", ct)).Single();
        Assert.Equal(4, minute.GetProperty("samples").GetInt32());
        Assert.Equal(20.0, minute.GetProperty("cpu_avg").GetDouble());

        var usage = await store.Usage.TenantAsync("acme", DateTimeOffset.FromUnixTimeMilliseconds(T0 - 60_000), DateTimeOffset.FromUnixTimeMilliseconds(T0 + 3_600_000), ct);
        Assert.Equal((2, 6, 1, 1), (usage.Vms, usage.VmMinutes, usage.Anomalies, usage.PredictionAlarms));
        Assert.Equal(20.0, usage.CpuAvg, 6);
        Assert.Equal(30.0, usage.CpuPeak, 6);
        Assert.Equal(1, usage.ActionsExecuted["RestartVm"]);
        Assert.Equal(1, (await store.Usage.TenantAsync("other", DateTimeOffset.FromUnixTimeMilliseconds(T0 - 60_000), DateTimeOffset.FromUnixTimeMilliseconds(T0 + 3_600_000), ct)).Vms);
    }
}
