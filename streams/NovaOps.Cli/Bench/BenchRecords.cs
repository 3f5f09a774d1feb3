using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Simulator;
using NovaOps.Simulator.Emit;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;
using NovaOps.Streams.Anomaly;

namespace NovaOps.Cli.Bench;

/// <summary>The benchmarks' input: simulated telemetry of a fault-free fleet, produced once to fresh topics.</summary>
internal static class BenchRecords
{
    /// <summary>
    /// Creates the topics of every app configuration given and produces about <paramref name="records"/> records
    /// from up to <paramref name="maxVms"/> VMs (at least 50 records each); returns how many and over how many partitions.
    /// </summary>
    public static async Task<(long Records, int Partitions)> ProduceAsync(KafkaConnection kafka, TopicNames topics, IEnumerable<AnomalyTopologyOptions> apps,
        long records, Action<string> status, CancellationToken ct, int maxVms = 10_000)
    {
        // The embedded broker keeps ~5 MiB per partition: spread the records so none is dropped.
        int partitions = (int)Math.Clamp(Math.Ceiling(records * 160.0 / (3 << 20)), 12, 512);
        await kafka.Topics.EnsureTopicsAsync(apps.SelectMany(o => AnomalyTopology.RequiredTopics(topics, o, partitions))
            .Concat(NovaOps.Streams.Rca.RcaTopology.RequiredTopics(topics, partitions)).DistinctBy(t => t.Name), ct);

        status($"producing {records:N0} records to {partitions} partitions");
        int vms = (int)Math.Min(maxVms, Math.Max(1, records / 50));
        long ticks = (records + vms - 1) / vms;
        var fleet = new FleetLayout(new SimulatorOptions { Vms = vms, FaultsPerHour = 0 }.EndingAt(DateTimeOffset.UtcNow, ticks));
        var emitter = new TelemetryEmitter(new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, ticks)), topics, kafka.Client,
            new EmitterOptions { Ticks = ticks });
        await emitter.RunAsync(ct);
        return (emitter.Progress.Records, partitions);
    }
}
