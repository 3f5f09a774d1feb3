using System.Diagnostics;
using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Contracts;
using NovaOps.Simulator.Faults;

namespace NovaOps.Simulator.Emit;

/// <summary>
/// Publishes the simulator's telemetry (keyed by VM id) and, as each fault begins, its ground truth
/// on the fault-labels topic. Paced to a target rate, or as fast as the broker takes it.
/// </summary>
public sealed class TelemetryEmitter(TelemetryGenerator generator, TopicNames topics, string bootstrapServers, EmitterOptions options)
{
    public EmitterProgress Progress { get; } = new();

    public static ProducerConfig ProducerConfig(string bootstrapServers) => new()
    {
        BootstrapServers = bootstrapServers,
        LingerMs = 5,
        BatchSize = 1 << 20,
        // Compressed batches use less of the embedded broker's ~5 MiB per partition, and of the network.
        CompressionType = CompressionType.Lz4,
        QueueBufferingMaxMessages = 500_000,
        Acks = Acks.All,
        EnableIdempotence = true,
    };

    public Task RunAsync(CancellationToken cancellationToken) => Task.Factory.StartNew(
        () => Run(cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, byte[]>(ProducerConfig(bootstrapServers)).Build();
        Action<DeliveryReport<string, byte[]>> onDelivery = r =>
        {
            if (r.Error.IsError) Progress.DeliveryError();
        };
        foreach (var node in Fleet.FleetTopology.Records(generator.Fleet, generator.TickToMs(0)))
            Produce(producer, topics.Topology, node.Node, node.ToByteArray(), onDelivery, ct);
        var clock = Stopwatch.StartNew();
        int vms = generator.Fleet.VmCount;
        for (long tick = 0; tick < options.Ticks && !ct.IsCancellationRequested; tick++)
        {
            foreach (var fault in generator.Advance(tick))
            {
                var label = FaultPlan.ToLabel(fault, generator.Fleet, generator.TickToMs);
                Produce(producer, topics.FaultLabels, label.FaultId, label.ToByteArray(), onDelivery, ct);
                Progress.FaultStarted();
            }

            for (int vm = 0; vm < vms; vm++)
            {
                var sample = generator.Sample(vm);
                byte[] value = ShouldCorrupt(tick, vm) ? Corrupt(sample, tick) : sample.ToByteArray();
                Produce(producer, topics.Telemetry, sample.VmId, value, onDelivery, ct);
                if ((vm & 1023) == 1023)
                {
                    Progress.AddRecords(1024);
                    Pace(clock, Progress.Records, ct);
                }
            }
            Progress.AddRecords(vms & 1023);
            Progress.Tick(generator.TickToMs(tick));
            Pace(clock, Progress.Records, ct);
        }
        producer.Flush(ct.IsCancellationRequested ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(60));
    }

    private bool ShouldCorrupt(long tick, int vm) =>
        options.MalformedPerMillion > 0 &&
        DeterministicRandom.Hash((ulong)generator.Fleet.Options.Seed, 51, (ulong)tick, (ulong)vm) % 1_000_000 < (ulong)options.MalformedPerMillion;

    private byte[] Corrupt(TelemetrySample sample, long tick)
    {
        Progress.MalformedSent();
        switch (tick % 4)
        {
            case 0:
                var bytes = sample.ToByteArray();
                return bytes[..(bytes.Length / 2)].Concat(new byte[] { 0xFF, 0xFF, 0xFF }).ToArray();
            case 1:
                var future = sample.Clone();
                future.SchemaVersion = SchemaVersions.Telemetry + 98;
                return future.ToByteArray();
            case 2:
                var negative = sample.Clone();
                negative.CpuUtil = -5;
                return negative.ToByteArray();
            default:
                var nan = sample.Clone();
                nan.MemUtil = double.NaN;
                return nan.ToByteArray();
        }
    }

    private void Pace(Stopwatch clock, long records, CancellationToken ct)
    {
        if (options.RecordsPerSecond <= 0) return;
        double due = records / options.RecordsPerSecond;
        double ahead = due - clock.Elapsed.TotalSeconds;
        if (ahead > 0.002) ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(ahead));
    }

    private static void Produce(IProducer<string, byte[]> producer, string topic, string key, byte[] value,
        Action<DeliveryReport<string, byte[]>> onDelivery, CancellationToken ct)
    {
        var message = new Message<string, byte[]> { Key = key, Value = value };
        while (true)
        {
            try
            {
                producer.Produce(topic, message, onDelivery);
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull && !ct.IsCancellationRequested)
            {
                producer.Poll(TimeSpan.FromMilliseconds(20)); // back-pressure: wait for the broker to drain the queue
            }
        }
    }
}
