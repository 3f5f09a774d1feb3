using System.Diagnostics;
using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Contracts;
using NovaOps.Simulator.Faults;
using NovaOps.Kafka;

namespace NovaOps.Simulator.Emit;

/// <summary>
/// Publishes the simulator's telemetry (keyed by VM id) and, as each fault begins, its ground truth
/// on the fault-labels topic. Paced to a target rate, or as fast as the broker takes it.
/// </summary>
public sealed class TelemetryEmitter(TelemetryGenerator generator, TopicNames topics, KafkaClientOptions kafka, EmitterOptions options)
{
    public EmitterProgress Progress { get; } = new();

    /// <summary>
    /// Wall-clock time (Unix ms) at which each tick's telemetry had all been handed to the producer (0: not emitted):
    /// how the run measures, in wall-clock, the pipeline's time from evidence to action.
    /// </summary>
    public long[] TickWallMs { get; } = new long[Math.Max(0, options.Ticks)];

    /// <summary>The fleet's service over the ticks emitted so far, per tier (read it once the run is over).</summary>
    public Availability.AvailabilityLedger Availability { get; } = new(options.DegradedWeight);

    public static ProducerConfig ProducerConfig(KafkaClientOptions kafka) => kafka.Apply(new ProducerConfig
    {
        LingerMs = 5,
        BatchSize = 1 << 20,
        // Compressed batches use less of the embedded broker's ~5 MiB per partition, and of the network.
        CompressionType = CompressionType.Lz4,
        QueueBufferingMaxMessages = 500_000,
        Acks = Acks.All,
        EnableIdempotence = true,
    });

    public Task RunAsync(CancellationToken cancellationToken) => Task.Factory.StartNew(
        () => Run(cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, byte[]>(ProducerConfig(kafka)).Build();
        Action<DeliveryReport<string, byte[]>> onDelivery = r =>
        {
            if (r.Error.IsError) Progress.DeliveryError();
        };
        foreach (var node in Fleet.FleetTopology.Records(generator.Fleet, generator.TickToMs(0)))
            Produce(producer, topics.Topology, node.Node, node.ToByteArray(), onDelivery, ct);
        if (options.AcceptCommands)
        {
            // The control plane's inventory, for a placement service to plan moves on: hosts first (the service holds
            // a VM for a host it does not know yet, but this order saves it the wait).
            foreach (var host in Fleet.HostInventory.Hosts(generator.Fleet))
                Produce(producer, topics.Hosts, host.Host, host.ToByteArray(), onDelivery, ct);
            foreach (var vm in Fleet.HostInventory.Vms(generator.Fleet, generator.Control.HostOf))
                Produce(producer, topics.PlacementRequests, vm.VmId, vm.ToByteArray(), onDelivery, ct);
        }
        using var commands = options.AcceptCommands ? CommandConsumer() : null;
        var clock = Stopwatch.StartNew();
        int vms = generator.Fleet.VmCount;
        double seconds = generator.Fleet.Options.SampleInterval.TotalSeconds;
        var tiers = Enumerable.Range(0, vms).Select(vm => generator.Fleet.TierOf(generator.Fleet.TenantOf(vm))).ToArray();
        for (long tick = 0; tick < options.Ticks && !ct.IsCancellationRequested; tick++)
        {
            options.BeforeTick?.Invoke(Progress.Records, ct).GetAwaiter().GetResult();
            foreach (var fault in generator.Advance(tick))
            {
                var label = FaultPlan.ToLabel(fault, generator.Fleet, generator.TickToMs);
                Produce(producer, topics.FaultLabels, label.FaultId, label.ToByteArray(), onDelivery, ct);
                Progress.FaultStarted();
            }
            if (commands is not null) ApplyCommands(commands, producer, onDelivery, ct);
            foreach (var done in generator.Control.Complete()) Publish(done, producer, onDelivery, ct);

            var stunned = generator.Control.TakeStuns();
            int unsent = 0;
            for (int vm = 0; vm < vms; vm++)
            {
                var (actionDown, harmful) = generator.Control.DownAt(vm, tick);
                var state = generator.StateOf(vm);
                Availability.Add(tiers[vm], state, seconds, harmful, state == ServiceState.Up ? null : generator.CauseOf(vm));
                if (actionDown) continue; // a restarting VM sends nothing until it has booted
                var sample = generator.Sample(vm);
                byte[] value = ShouldCorrupt(tick, vm) ? Corrupt(sample, tick) : sample.ToByteArray();
                Produce(producer, topics.Telemetry, sample.VmId, value, onDelivery, ct);
                if (++unsent == 1024)
                {
                    Progress.AddRecords(unsent);
                    unsent = 0;
                    Pace(clock, Progress.Records, ct);
                }
            }
            foreach (var (vm, stun, harmful) in stunned) Availability.AddStun(tiers[vm], stun, generator.StateOf(vm), harmful);
            Progress.AddRecords(unsent);
            TickWallMs[tick] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            Progress.Tick(generator.TickToMs(tick));
            Pace(clock, Progress.Records, ct);
        }
        producer.Flush(ct.IsCancellationRequested ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(60));
    }

    // Commands are read by partition assignment, not a consumer group: the control plane is one process, and
    // a group join would hold the first commands back for the broker's rebalance delay.
    private IConsumer<string, byte[]> CommandConsumer()
    {
        var consumer = new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig
        {
            GroupId = $"novaops-simulator-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
        })).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topics.FleetCommands, TimeSpan.FromSeconds(10));
        var partitions = metadata.Topics.Single().Partitions.Select(p => new TopicPartitionOffset(topics.FleetCommands, p.PartitionId, Offset.Beginning));
        consumer.Assign(partitions);
        return consumer;
    }

    private void ApplyCommands(IConsumer<string, byte[]> commands, IProducer<string, byte[]> producer, Action<DeliveryReport<string, byte[]>> onDelivery, CancellationToken ct)
    {
        var end = options.ReadCommandsToEnd ? CommandsEnd(commands) : [];
        var waited = Stopwatch.StartNew();
        bool gaveUp = false;
        while (!ct.IsCancellationRequested)
        {
            // What has arrived, then what the topic holds and the consumer has not fetched yet (within milliseconds).
            bool owed = !gaveUp && end.Any(e => commands.Position(e.TopicPartition) is var at && (at == Offset.Unset ? 0 : at.Value) < e.Offset.Value);
            if (owed && waited.Elapsed > options.CommandWait)
            {
                Progress.CommandStalled();
                gaveUp = true;
                owed = false;
            }
            var r = commands.Consume(owed ? TimeSpan.FromMilliseconds(5) : TimeSpan.Zero);
            if (r?.Message?.Value is null)
            {
                if (owed) continue;
                return;
            }
            FleetCommand command;
            try { command = FleetCommand.Parser.ParseFrom(r.Message.Value); }
            catch (InvalidProtocolBufferException) { continue; } // not ours to dead-letter: the executor wrote it
            var effect = generator.Control.Apply(command);
            Progress.CommandApplied();
            if (effect.Refused is not null) Progress.CommandRefused();
        }
    }

    /// <summary>The end of each partition of the commands topic now (high watermark; partitions with none left out).</summary>
    private static List<TopicPartitionOffset> CommandsEnd(IConsumer<string, byte[]> commands) =>
        [.. commands.Assignment.Select(tp => new TopicPartitionOffset(tp, commands.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5)).High))
            .Where(e => e.Offset.Value > 0)];

    /// <summary>What an action did once it was over: the faults it ended (their labels, resolved then) and the VMs it moved.</summary>
    private void Publish(Control.ActionCompletion done, IProducer<string, byte[]> producer, Action<DeliveryReport<string, byte[]>> onDelivery, CancellationToken ct)
    {
        long at = generator.TickToMs(done.Tick);
        if (done.Effect.Failed) Progress.CommandFailed();
        foreach (var fault in done.Effect.Resolved)
        {
            var label = FaultPlan.ToLabel(fault, generator.Fleet, generator.TickToMs);
            label.ResolvedMs = at;
            label.ResolvedBy = done.Command.ActionId;
            label.ResolveStartedMs = generator.TickToMs(done.StartTick);
            Produce(producer, topics.FaultLabels, label.FaultId, label.ToByteArray(), onDelivery, ct);
            Progress.FaultResolved();
        }
        foreach (int vm in done.Effect.Moved)
        {
            var node = Fleet.FleetTopology.VmRecord(generator.Fleet, vm, generator.Control.HostOf(vm), at);
            Produce(producer, topics.Topology, node.Node, node.ToByteArray(), onDelivery, ct);
        }
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
