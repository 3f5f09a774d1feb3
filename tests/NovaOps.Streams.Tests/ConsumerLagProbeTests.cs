using Confluent.Kafka;
using NovaOps.Broker;
using NovaOps.Observability;

namespace NovaOps.Streams.Tests;

public sealed class ConsumerLagProbeTests : IDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task Lag_falls_to_zero_once_the_app_has_processed_everything()
    {
        await using var s = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await s.ProvisionAsync();
        var metrics = new PipelineMetrics("anomaly");
        await using var app = await s.StartAppAsync(metrics);
        using var probe = new ConsumerLagProbe(_cluster.BootstrapServers, app.Positions, metrics);

        var first = Telemetry.Steady(vms: 3, 0, 5).ToList();
        s.Produce(first);
        await KafkaScenario.WaitFor(() => metrics.RecordsIn(s.Topics.Telemetry).Value >= first.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(0, probe.Measure(TimeSpan.FromSeconds(5)));
        Assert.NotEmpty(metrics.LagPartitions());
    }

    [Fact]
    public void Records_behind_the_processed_position_are_lag_until_the_partition_is_given_up()
    {
        _cluster.CreateTopic("lag", 2);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build())
        {
            for (int i = 0; i < 10; i++) producer.Produce(new TopicPartition("lag", 0), new Message<string, string> { Key = "k", Value = $"{i}" });
            producer.Flush(TimeSpan.FromSeconds(10));
        }
        var positions = new ProcessedPositions();
        var metrics = new PipelineMetrics("anomaly");
        using var probe = new ConsumerLagProbe(_cluster.BootstrapServers, positions, metrics);

        var task1 = positions.For("lag", 0);
        task1.Value = 3; // offsets 4..9 not processed yet
        Assert.Equal(6, probe.Measure(TimeSpan.FromSeconds(5)));
        Assert.Equal([("lag", 0)], metrics.LagPartitions());

        // The partition's next task (after a rebalance that kept it here) takes a new cell; the old task's release changes nothing.
        var task2 = positions.For("lag", 0);
        task2.Value = 8;
        positions.Release(task1);
        Assert.Equal(1, probe.Measure(TimeSpan.FromSeconds(5)));

        // Given up (moved to another instance): no longer measured, and its gauge is gone.
        positions.Release(task2);
        Assert.Equal(0, probe.Measure(TimeSpan.FromSeconds(5)));
        Assert.Empty(metrics.LagPartitions());
    }

    [Fact]
    public async Task After_a_rebalance_each_partition_s_lag_is_reported_by_the_one_instance_that_owns_it()
    {
        await using var s = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await s.ProvisionAsync();
        var m1 = new PipelineMetrics("anomaly");
        var m2 = new PipelineMetrics("anomaly");
        await using var app1 = await s.StartAppAsync(m1);
        using var probe1 = new ConsumerLagProbe(_cluster.BootstrapServers, app1.Positions, m1);
        var first = Telemetry.Steady(vms: 16, 0, 3).ToList();
        s.Produce(first);
        await KafkaScenario.WaitFor(() => m1.RecordsIn(s.Topics.Telemetry).Value >= first.Count, TimeSpan.FromSeconds(30));
        probe1.Measure(TimeSpan.FromSeconds(5));
        Assert.Equal(4, m1.LagPartitions().Count); // all four partitions were the first instance's

        await using var app2 = await s.StartAppAsync(m2);
        using var probe2 = new ConsumerLagProbe(_cluster.BootstrapServers, app2.Positions, m2);
        // Keep writing until both instances have processed records of their own partitions (the group may take a
        // rebalance or two to settle, and a partition's lag is measured from its first processed record).
        for (int w = 3; w < 60 && (app1.Positions.Snapshot().Count == 0 || app2.Positions.Snapshot().Count == 0); w++)
        {
            s.Produce(Telemetry.Steady(vms: 16, w, w + 1));
            await Task.Delay(1000, TestContext.Current.CancellationToken);
        }
        probe1.Measure(TimeSpan.FromSeconds(5));
        probe2.Measure(TimeSpan.FromSeconds(5));

        var by1 = m1.LagPartitions();
        var by2 = m2.LagPartitions();
        Assert.NotEmpty(by1);
        Assert.NotEmpty(by2);
        Assert.Empty(by1.Intersect(by2));
        Assert.True(by1.Count + by2.Count <= 4, $"{string.Join(",", by1)} | {string.Join(",", by2)}");
    }
}
