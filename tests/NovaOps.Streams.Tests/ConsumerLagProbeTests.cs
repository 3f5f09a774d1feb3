using NovaOps.Broker;
using NovaOps.Observability;

namespace NovaOps.Streams.Tests;

public sealed class ConsumerLagProbeTests : IDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task Lag_counts_what_is_not_processed_yet_and_falls_to_zero()
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

        // Records behind the processed position count as lag, per partition, until processed.
        await app.DisposeAsync();
        var second = Telemetry.Steady(vms: 3, 5, 7).ToList();
        s.Produce(second);
        Assert.Equal(second.Count, probe.Measure(TimeSpan.FromSeconds(5)));
    }
}
