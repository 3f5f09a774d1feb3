using Confluent.Kafka;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Observability;
using NovaOps.Streams.Anomaly;
using NovaOps.Streams.Hosting;
using Microsoft.Extensions.Logging;
using NovaOps.Tests.Shared;

namespace NovaOps.Streams.Tests;

/// <summary>The anomaly app on the embedded broker, over TCP, with separate producers and consumers.</summary>
public sealed class EmbeddedBrokerTests : IDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public void Embedded_cluster_serves_a_plain_client_over_tcp()
    {
        Assert.Equal(3, _cluster.BootstrapServers.Split(',').Length);
        Assert.All(_cluster.BootstrapServers.Split(','), b => Assert.StartsWith("127.0.0.1:", b));
        _cluster.CreateTopic("plain", 3);
        using (var p = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build())
        {
            for (int i = 0; i < 100; i++) p.Produce("plain", new Message<string, string> { Key = $"k{i}", Value = $"v{i}" });
            p.Flush(TimeSpan.FromSeconds(10));
        }
        using var c = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers, GroupId = "g", AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        c.Subscribe("plain");
        var seen = new HashSet<string>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (seen.Count < 100 && DateTime.UtcNow < deadline)
            if (c.Consume(200) is { } r) seen.Add(r.Message.Value);
        Assert.Equal(100, seen.Count);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        Assert.Equal(3, admin.GetMetadata("plain", TimeSpan.FromSeconds(5)).Topics[0].Partitions.Count);
    }

    [Fact]
    public async Task Anomalies_and_dead_letters_reach_a_separate_consumer_and_the_app_keeps_running()
    {
        await using var s = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await s.ProvisionAsync();
        var metrics = new PipelineMetrics("anomaly");
        await using var app = await s.StartAppAsync(metrics);

        var records = Telemetry.Steady(vms: 4, 0, 14, spikeVm: "vm-2", spikeWindow: 12).ToList();
        // Malformed records in the middle of the stream: the app must neither stop nor lose the rest.
        records.Insert(40, ("vm-1", [0x0A, 0xFF]));
        records.Insert(80, ("vm-3", Google.Protobuf.MessageExtensions.ToByteArray(Telemetry.Sample("vm-3", Telemetry.Start, cpu: -1))));
        s.Produce(records);

        var anomalies = s.Read(s.Topics.Anomalies, AnomalyEvent.Parser.ParseFrom, l => l.Any(a => a.VmId == "vm-2"), TimeSpan.FromSeconds(60));
        var letters = s.Read(s.Topics.DeadLetter, DeadLetter.Parser.ParseFrom, l => l.Count >= 2, TimeSpan.FromSeconds(30));

        var hot = Assert.Single(anomalies, a => a.VmId == "vm-2");
        Assert.Equal(Telemetry.Start + 12 * 60_000L, hot.WindowStartMs);
        Assert.Equal(MetricNames.CpuUtil, hot.Contributions[0].Metric);
        Assert.Equal([RejectReasons.Malformed, RejectReasons.OutOfRange], letters.Select(l => l.ReasonCode).Order());
        Assert.All(letters, l => Assert.True(l.SourceOffset >= 0));
        await KafkaScenario.WaitFor(() => metrics.RecordsIn(s.Topics.Telemetry).Value >= records.Count, TimeSpan.FromSeconds(20));
        Assert.Equal(records.Count, metrics.RecordsIn(s.Topics.Telemetry).Value);
        Assert.Equal(Streamiz.Kafka.Net.KafkaStream.State.RUNNING, app.State);
    }

    [Fact]
    public async Task A_restarted_app_resumes_from_committed_offsets_and_restored_state()
    {
        await using var s = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await s.ProvisionAsync();

        // First life: learn 12 quiet windows, then stop (Streamiz commits offsets and flushes the store on close).
        var first = Telemetry.Steady(vms: 3, 0, 12).ToList();
        var metrics1 = new PipelineMetrics("anomaly");
        await using (var app1 = await s.StartAppAsync(metrics1))
        {
            s.Produce(first);
            await KafkaScenario.WaitFor(() => metrics1.RecordsIn(s.Topics.Telemetry).Value >= first.Count, TimeSpan.FromSeconds(30));
            Assert.Equal(first.Count, metrics1.RecordsIn(s.Topics.Telemetry).Value);
            await Task.Delay(600, TestContext.Current.CancellationToken); // past one commit interval
        }

        // Second life, on a fresh state directory: the per-VM history must come back from the changelog,
        // or the hot window would fall inside a new warm-up and raise nothing.
        var second = Telemetry.Steady(vms: 3, 12, 15, spikeVm: "vm-1", spikeWindow: 13).ToList();
        var metrics2 = new PipelineMetrics("anomaly");
        await using var app2 = await s.StartAppAsync(metrics2);
        s.Produce(second);
        var anomalies = s.Read(s.Topics.Anomalies, AnomalyEvent.Parser.ParseFrom, l => l.Any(a => a.VmId == "vm-1"), TimeSpan.FromSeconds(60));
        Assert.Contains(anomalies, a => a.VmId == "vm-1" && a.WindowStartMs == Telemetry.Start + 13 * 60_000L);
        await KafkaScenario.WaitFor(() => metrics2.RecordsIn(s.Topics.Telemetry).Value >= second.Count, TimeSpan.FromSeconds(20));
        // Resumed from committed offsets: the first life's records are not read again.
        Assert.Equal(second.Count, metrics2.RecordsIn(s.Topics.Telemetry).Value);
    }

    [Fact]
    public async Task A_window_still_waiting_for_the_model_when_the_app_stops_is_scored_after_the_restart()
    {
        await using var s = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await s.ProvisionAsync();
        string models = AnomalyTopologyDriverTests.ModelsDirectory();
        AnomalyTopologyOptions Onnx(AnomalyTopologyOptions o, int maxDelayMs) => o with
        {
            Detector = NovaOps.Streams.Anomaly.Scoring.DetectorMode.Onnx,
            Model = new NovaOps.Models.Registry.ModelRegistryOptions { Directory = models, Name = "anomaly-autoencoder" },
            MicroBatch = new NovaOps.Streams.Anomaly.Scoring.MicroBatchOptions { MaxBatch = 100_000, MaxDelayMs = maxDelayMs },
        };

        // First life: batches are never due and never full, so the hot window (13, closed by window 14's first
        // sample) is still waiting for the model when the app stops.
        var first = Telemetry.Steady(vms: 3, 0, 15, spikeVm: "vm-1", spikeWindow: 13).ToList();
        var metrics1 = new PipelineMetrics("anomaly");
        await using (var app1 = await s.StartAppAsync(metrics1, configure: o => Onnx(o, maxDelayMs: 600_000)))
        {
            s.Produce(first);
            await KafkaScenario.WaitFor(() => metrics1.RecordsIn(s.Topics.Telemetry).Value >= first.Count, TimeSpan.FromSeconds(30));
            Assert.Equal(first.Count, metrics1.RecordsIn(s.Topics.Telemetry).Value);
            await Task.Delay(600, TestContext.Current.CancellationToken); // past one commit interval
        }
        var before = s.Read(s.Topics.Anomalies, AnomalyEvent.Parser.ParseFrom, _ => false, TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(before, a => a.VmId == "vm-1" && a.WindowStartMs == Telemetry.Start + 13 * 60_000L);

        // Second life resumes after the committed offsets: the hot window's records are not read again, but the
        // window waited in the restored state and is scored when vm-1's next record arrives.
        var metrics2 = new PipelineMetrics("anomaly");
        await using var app2 = await s.StartAppAsync(metrics2, configure: o => Onnx(o, maxDelayMs: 5));
        s.Produce(Telemetry.Steady(vms: 3, 15, 16).ToList());
        var anomalies = s.Read(s.Topics.Anomalies, AnomalyEvent.Parser.ParseFrom,
            l => l.Any(a => a.VmId == "vm-1" && a.WindowStartMs == Telemetry.Start + 13 * 60_000L), TimeSpan.FromSeconds(60));
        var hot = Assert.Single(anomalies, a => a.VmId == "vm-1" && a.WindowStartMs == Telemetry.Start + 13 * 60_000L);
        Assert.Equal("anomaly-autoencoder/1", hot.Detector);
    }

    [Fact]
    public async Task Two_instances_share_the_partitions_and_together_process_everything_once()
    {
        await using var s = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await s.ProvisionAsync();
        var m1 = new PipelineMetrics("anomaly");
        var m2 = new PipelineMetrics("anomaly");
        await using var app1 = await s.StartAppAsync(m1);
        await using var app2 = await s.StartAppAsync(m2); // returns once the group has rebalanced over both
        await KafkaScenario.WaitFor(() => app1.State == Streamiz.Kafka.Net.KafkaStream.State.RUNNING, TimeSpan.FromSeconds(10));

        var records = Telemetry.Steady(vms: 8, 0, 14, spikeVm: "vm-5", spikeWindow: 12).ToList();
        s.Produce(records);
        double Total() => m1.RecordsIn(s.Topics.Telemetry).Value + m2.RecordsIn(s.Topics.Telemetry).Value;
        await KafkaScenario.WaitFor(() => Total() >= records.Count, TimeSpan.FromSeconds(60));

        Assert.Equal(records.Count, Total());
        Assert.True(m1.RecordsIn(s.Topics.Telemetry).Value > 0 && m2.RecordsIn(s.Topics.Telemetry).Value > 0, "both instances must get partitions");
        var anomalies = s.Read(s.Topics.Anomalies, AnomalyEvent.Parser.ParseFrom, l => l.Any(a => a.VmId == "vm-5"), TimeSpan.FromSeconds(30));
        Assert.Single(anomalies, a => a.VmId == "vm-5" && a.WindowStartMs == Telemetry.Start + 12 * 60_000L);
    }

    // Streamiz 1.8.2 left such a thread asleep for good (see RebalanceSafeSupplier): these two failed before it.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_instance_holding_uncommitted_records_when_a_second_joins_keeps_processing(bool commitRefused)
    {
        await using var s = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await s.ProvisionAsync();
        var m1 = new PipelineMetrics("anomaly");
        var m2 = new PipelineMetrics("anomaly");
        var logs1 = new RecordedLogs();
        // No periodic commit: the first instance's records are all uncommitted when the second joins.
        static StreamAppOptions NoPeriodicCommit(StreamAppOptions o) => o with { CommitIntervalMs = 600_000 };
        await using var app1 = await s.StartAppAsync(m1, streams: NoPeriodicCommit, logging: logs1);
        var first = Telemetry.Steady(vms: 8, 0, 6).ToList();
        s.Produce(first);
        await KafkaScenario.WaitFor(() => m1.RecordsIn(s.Topics.Telemetry).Value >= first.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(first.Count, m1.RecordsIn(s.Topics.Telemetry).Value);

        // The embedded broker refuses commits while the group rebalances; a real one in some phases of it. Forced here too.
        if (commitRefused) _cluster.FailNextRequests(KafkaRequest.OffsetCommit, ErrorCode.RebalanceInProgress);
        await using var app2 = await s.StartAppAsync(m2, streams: NoPeriodicCommit);
        var second = Telemetry.Steady(vms: 8, 6, 14, spikeVm: "vm-5", spikeWindow: 12).ToList();
        s.Produce(second);
        double before = m1.RecordsIn(s.Topics.Telemetry).Value;
        double Total() => m1.RecordsIn(s.Topics.Telemetry).Value + m2.RecordsIn(s.Topics.Telemetry).Value;
        // At least once: what the first instance had not committed is read again by whoever owns it now.
        await KafkaScenario.WaitFor(() => m1.RecordsIn(s.Topics.Telemetry).Value > before && Total() >= first.Count + second.Count, TimeSpan.FromSeconds(60));

        Assert.True(m1.RecordsIn(s.Topics.Telemetry).Value > before, "the first instance must get partitions again and process them");
        Assert.True(Total() >= first.Count + second.Count, $"processed {Total()} of {first.Count + second.Count}");
        var anomalies = s.Read(s.Topics.Anomalies, AnomalyEvent.Parser.ParseFrom, l => l.Any(a => a.VmId == "vm-5"), TimeSpan.FromSeconds(30));
        Assert.Contains(anomalies, a => a.VmId == "vm-5" && a.WindowStartMs == Telemetry.Start + 12 * 60_000L);
        Assert.DoesNotContain(logs1.Entries, e => e.Level >= LogLevel.Error);
        if (commitRefused) Assert.Contains(logs1.Entries, e => e.Message.Contains("refused the commit"));
    }

    [Fact]
    public async Task An_instance_that_loses_its_partitions_closes_their_tasks_rejoins_and_processes_them_again()
    {
        await using var s = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await s.ProvisionAsync();
        var metrics = new PipelineMetrics("anomaly");
        var logs = new RecordedLogs();
        await using var app = await s.StartAppAsync(metrics, streams: o => o with { Threads = 1, CommitIntervalMs = 600_000 }, logging: logs);
        var first = Telemetry.Steady(vms: 8, 0, 6).ToList();
        s.Produce(first);
        await KafkaScenario.WaitFor(() => metrics.RecordsIn(s.Topics.Telemetry).Value >= first.Count, TimeSpan.FromSeconds(30));

        // The group no longer knows the member (as after a lapsed session): its assignment is lost, nothing may be committed.
        _cluster.FailNextRequests(KafkaRequest.Heartbeat, ErrorCode.UnknownMemberId);
        await KafkaScenario.WaitFor(() => logs.Entries.Any(e => e.Message.Contains("lost")), TimeSpan.FromSeconds(30));
        var second = Telemetry.Steady(vms: 8, 6, 14, spikeVm: "vm-5", spikeWindow: 12).ToList();
        s.Produce(second);
        // Nothing was committed, so the rejoined thread reads the first records again, then the second.
        await KafkaScenario.WaitFor(() => metrics.RecordsIn(s.Topics.Telemetry).Value >= 2 * first.Count + second.Count, TimeSpan.FromSeconds(60));

        Assert.Contains(logs.Entries, e => e.Message.Contains("lost"));
        Assert.Equal(2 * first.Count + second.Count, metrics.RecordsIn(s.Topics.Telemetry).Value);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
        var anomalies = s.Read(s.Topics.Anomalies, AnomalyEvent.Parser.ParseFrom, l => l.Any(a => a.VmId == "vm-5"), TimeSpan.FromSeconds(30));
        Assert.Contains(anomalies, a => a.VmId == "vm-5" && a.WindowStartMs == Telemetry.Start + 12 * 60_000L);
    }

    [Fact]
    public async Task An_app_whose_stream_threads_all_stop_says_so_for_its_service_to_exit_on()
    {
        await using var s = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await s.ProvisionAsync();
        var metrics = new PipelineMetrics("anomaly");
        var logs = new RecordedLogs();
        s.Produce(Telemetry.Steady(vms: 8, 0, 4));
        // Every write of the app refused for good (as when its credentials lose the right to write its topics):
        // Streamiz stops a stream thread whose output cannot be written.
        _cluster.FailNextRequests(KafkaRequest.Produce, [.. Enumerable.Repeat(ErrorCode.TopicAuthorizationFailed, 200)]);
        await using var app = await s.StartAppAsync(metrics, streams: o => o with { Threads = 1 }, logging: logs);
        Assert.Null(app.Failure);

        await KafkaScenario.WaitFor(() => app.State == Streamiz.Kafka.Net.KafkaStream.State.ERROR, TimeSpan.FromSeconds(60));
        Assert.Contains("every stream thread stopped", app.Failure);
        Assert.Contains(logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task An_app_that_lost_one_of_its_two_stream_threads_says_so_for_its_service_to_exit_on()
    {
        await using var s = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await s.ProvisionAsync();
        var metrics = new PipelineMetrics("anomaly");
        var logs = new RecordedLogs();
        s.Produce(Telemetry.Steady(vms: 8, 0, 6));
        // The app's first write refused for good: the stream thread it came from stops, the other one does not.
        // (A refused commit would not do: Streamiz takes any for a sign that the thread left the group, and rejoins.)
        _cluster.FailNextRequests(KafkaRequest.Produce, ErrorCode.TopicAuthorizationFailed);
        await using var app = await s.StartAppAsync(metrics, streams: o => o with { Threads = 2 }, logging: logs);

        await KafkaScenario.WaitFor(() => app.Failure is not null, TimeSpan.FromSeconds(60));
        Assert.Contains("1 of its 2 stream threads stopped", app.Failure);
        Assert.Equal(Streamiz.Kafka.Net.KafkaStream.State.RUNNING, app.State); // as Streamiz sees it: one thread still runs
        Assert.Contains(logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task An_app_that_is_closed_says_nothing_failed()
    {
        await using var s = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await s.ProvisionAsync();
        var metrics = new PipelineMetrics("anomaly");
        var app = await s.StartAppAsync(metrics, streams: o => o with { Threads = 2 });
        s.Produce(Telemetry.Steady(vms: 8, 0, 3));
        await KafkaScenario.WaitFor(() => metrics.RecordsIn(s.Topics.Telemetry).Value > 0, TimeSpan.FromSeconds(30));
        // Its stream threads end with it, one after the other: what the service watch would read meanwhile.
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var closing = new CancellationTokenSource();
        var watch = Task.Run(async () =>
        {
            while (!closing.IsCancellationRequested) { if (app.Failure is { } f) seen.Add(f); await Task.Delay(1, TestContext.Current.CancellationToken); }
        }, TestContext.Current.CancellationToken);
        await app.DisposeAsync();
        closing.Cancel();
        await watch;
        Assert.Empty(seen);
        Assert.Null(app.Failure);
    }
}
