using Google.Protobuf;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Observability;

namespace NovaOps.Streams.Tests;

/// <summary>
/// Two regions side by side on one Kafka (the embedded broker), each with its topic prefix and its own anomaly app
/// (application ids apart, as docs/deploy.md asks when regions share a cluster): nothing of one region reaches the
/// other's app, outputs or counts.
/// </summary>
public sealed class RegionsTests : IDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    // A region's telemetry: its own VM names, region and zone; one VM spikes; one malformed record.
    private static List<(string Key, byte[] Value)> RegionTelemetry(string region, string spikeVm)
    {
        var records = Telemetry.Steady(vms: 4, 0, 14, spikeVm: "vm-2", spikeWindow: 12).Select(r =>
        {
            var s = TelemetrySample.Parser.ParseFrom(r.Value);
            s.VmId = $"{region}-{s.VmId}";
            s.Region = region;
            s.Zone = $"{region}-a";
            return (s.VmId, s.ToByteArray());
        }).ToList();
        records.Insert(30, ($"{region}-vm-1", [0x0A, 0xFF]));
        return records;
    }

    [Fact]
    public async Task Two_regions_on_one_kafka_never_cross()
    {
        await using var eu = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await using var us = new KafkaScenario(_cluster.BootstrapServers, new EmbeddedTopicProvisioner(_cluster));
        await eu.ProvisionAsync();
        await us.ProvisionAsync();
        Assert.NotEqual(eu.Topics.Telemetry, us.Topics.Telemetry);
        Assert.NotEqual(eu.Options.ChangelogTopic, us.Options.ChangelogTopic);
        var euMetrics = new PipelineMetrics("anomaly");
        var usMetrics = new PipelineMetrics("anomaly");
        await using var euApp = await eu.StartAppAsync(euMetrics);
        await using var usApp = await us.StartAppAsync(usMetrics);

        var euRecords = RegionTelemetry("eu-west", "eu-west-vm-2");
        var usRecords = RegionTelemetry("us-east", "us-east-vm-2");
        eu.Produce(euRecords);
        us.Produce(usRecords);

        var euAnomalies = eu.Read(eu.Topics.Anomalies, AnomalyEvent.Parser.ParseFrom, l => l.Any(a => a.VmId == "eu-west-vm-2"), TimeSpan.FromSeconds(60));
        var usAnomalies = us.Read(us.Topics.Anomalies, AnomalyEvent.Parser.ParseFrom, l => l.Any(a => a.VmId == "us-east-vm-2"), TimeSpan.FromSeconds(60));
        Assert.Contains(euAnomalies, a => a.VmId == "eu-west-vm-2");
        Assert.Contains(usAnomalies, a => a.VmId == "us-east-vm-2");
        Assert.All(euAnomalies, a => Assert.Equal(("eu-west", true), (a.Region, a.VmId.StartsWith("eu-west-", StringComparison.Ordinal))));
        Assert.All(usAnomalies, a => Assert.Equal(("us-east", true), (a.Region, a.VmId.StartsWith("us-east-", StringComparison.Ordinal))));

        var euLetters = eu.Read(eu.Topics.DeadLetter, DeadLetter.Parser.ParseFrom, l => l.Count >= 1, TimeSpan.FromSeconds(30));
        var usLetters = us.Read(us.Topics.DeadLetter, DeadLetter.Parser.ParseFrom, l => l.Count >= 1, TimeSpan.FromSeconds(30));
        Assert.Equal(eu.Topics.Telemetry, Assert.Single(euLetters).SourceTopic);
        Assert.Equal(us.Topics.Telemetry, Assert.Single(usLetters).SourceTopic);

        // Each app read exactly its region's records.
        await KafkaScenario.WaitFor(() => euMetrics.RecordsIn(eu.Topics.Telemetry).Value >= euRecords.Count && usMetrics.RecordsIn(us.Topics.Telemetry).Value >= usRecords.Count,
            TimeSpan.FromSeconds(30));
        Assert.Equal(euRecords.Count, euMetrics.RecordsIn(eu.Topics.Telemetry).Value);
        Assert.Equal(usRecords.Count, usMetrics.RecordsIn(us.Topics.Telemetry).Value);
        Assert.Equal(0, euMetrics.RecordsIn(us.Topics.Telemetry).Value);
        Assert.Equal(0, usMetrics.RecordsIn(eu.Topics.Telemetry).Value);
        // The fleet series carry the region of the samples.
        Assert.True(euMetrics.FleetWindows("eu-west", "eu-west-a").Value > 0);
        Assert.Equal(0, euMetrics.FleetWindows("us-east", "us-east-a").Value);
    }
}
