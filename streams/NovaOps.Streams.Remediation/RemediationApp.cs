using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NovaOps.Contracts;
using NovaOps.Failover;
using NovaOps.Remediation;
using NovaOps.Remediation.Triggers;
using NovaOps.Kafka;

namespace NovaOps.Streams.Remediation;

/// <summary>
/// The remediation executor of one region. Its guardrails are region-wide (concurrency, blast radius, rate), so
/// a region runs one instance; the records of every input topic go through it in one loop. A plain Kafka
/// consumer rather than a Streamiz topology: each record may call an actuator and wait for it, and the state
/// that matters (what was done, when, to whom) is the actions topic itself, replayed at start.
///
/// At least once: offsets are stored after a record's decisions are published, so a crash re-reads a few
/// records, and the executor's idempotency keys (restored from the actions topic) keep them from acting twice.
/// Unreadable triggers and approvals go to the dead-letter topic with the reason.
///
/// Evacuation plans (the placement service's answers to the drains and evacuations this executor asked for) are
/// carried out move by move (<see cref="PlanExecution"/>): offered on every turn of the loop, paced by the rate
/// limit. A plan still running at a stop is resumed at the next start without the moves the audit shows done.
/// </summary>
public sealed class RemediationApp : IAsyncDisposable
{
    private readonly KafkaClientOptions _kafka;
    private readonly TopicNames _topics;
    private readonly string _groupId;
    private readonly RemediationMetrics _metrics;
    private readonly ILogger _log;
    private readonly NovaOps.Streams.Consumer.ServiceLoop _loop = new();
    private readonly IProducer<string, byte[]> _producer;
    private readonly NovaOps.Streams.Consumer.DeadLetterSink _deadLetters;
    private readonly TelemetryCodec _codec = new();
    private long _published;
    private readonly List<PlanExecution> _plans = [];
    private readonly HashSet<string> _plansSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _movesDone = new(StringComparer.Ordinal); // "failover:{plan}:{vm}:" of executed moves

    private readonly IDisposable? _disposeWith;
    private readonly ConcurrentDictionary<string, StrongBox<long>> _handled = new(StringComparer.Ordinal);

    /// <param name="disposeWith">Disposed with the app (the actuator it owns), after the loop has stopped using it.</param>
    public RemediationApp(KafkaClientOptions kafka, TopicNames topics, RemediationExecutor executor, RemediationMetrics metrics, string groupId,
        ILoggerFactory? logging = null, IDisposable? disposeWith = null)
    {
        _disposeWith = disposeWith;
        _kafka = kafka;
        _topics = topics;
        Executor = executor;
        _metrics = metrics;
        _groupId = groupId;
        _log = (logging ?? NullLoggerFactory.Instance).CreateLogger<RemediationApp>();
        _producer = new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig
        {
            Acks = Acks.All, EnableIdempotence = true, LingerMs = 5,
        })).Build();
        _deadLetters = new NovaOps.Streams.Consumer.DeadLetterSink(_producer, topics, metrics.Pipeline);
    }

    public RemediationExecutor Executor { get; }

    /// <summary>
    /// The executor's own topics. The actions topic is not compacted: a trigger's decisions share its key, and
    /// the audit keeps all of them. Few partitions: the decisions are few, and one executor reads them back.
    /// </summary>
    public static IReadOnlyList<NovaOps.Broker.TopicSpec> RequiredTopics(TopicNames topics) =>
    [
        new(topics.Actions, 3),
        new(topics.Approvals, 1),
        new(topics.FleetCommands, 3),
        new(topics.FailoverRequests, 1),
        new(topics.FailoverPlans, 1),
    ];

    /// <summary>Evacuation plans being carried out.</summary>
    public int PlansRunning => _plans.Count;

    /// <summary>
    /// Records of <paramref name="topic"/> the executor has handled: decided on, its decisions handed to the producer and
    /// its actions' commands delivered (a simulation holds its clock back on this, so that decisions land in time).
    /// </summary>
    public long Handled(string topic) => _handled.TryGetValue(topic, out var n) ? Interlocked.Read(ref n.Value) : 0;

    /// <summary>Audit records published so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Why the service stopped processing on its own, or null while it runs (<see cref="NovaOps.Streams.Consumer.ServiceLoop.Failure"/>).</summary>
    public string? Failure => _loop.Failure;

    /// <summary>Replays the actions topic into the executor, then starts reading; returns once partitions are assigned.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        int restored = await Task.Run(Replay, ct);
        if (restored > 0) _log.LogInformation("Restored {Count} decisions from {Topic}", restored, _topics.Actions);
        await _loop.StartAsync(Loop, ct);
    }

    private int Replay()
    {
        var records = new List<ActionRecord>();
        foreach (var value in NovaOps.Broker.TopicReplay.ReadAll(_kafka, _topics.Actions))
        {
            // One the live loop never wrote is skipped (an executor writes only whole records): never fatal at a start.
            if (RecordDecoders.Action.Decode(value).Record is { } record) records.Add(record);
        }
        // Partitions interleave: restore in event-time order.
        foreach (var record in records.OrderBy(r => r.AtMs))
        {
            Executor.Restore(record);
            if (record.Outcome is ActionOutcome.Executed or ActionOutcome.DryRun && record.IdempotencyKey.StartsWith("failover:", StringComparison.Ordinal))
                _movesDone.Add(record.IdempotencyKey[..(record.IdempotencyKey.LastIndexOf(':') + 1)]);
        }
        // Plans not finished at the stop go on, without the moves already made; older ones are history (their VMs
        // may have moved since).
        foreach (var value in NovaOps.Broker.TopicReplay.ReadAll(_kafka, _topics.FailoverPlans))
        {
            if (RecordDecoders.FailoverPlan.Decode(value).Record is not { } plan) continue; // dead-lettered when the live loop met it
            if (Executor.NowMs - plan.PlannedAtMs <= PlanResumeWindow.TotalMilliseconds) Carry(plan);
            else _plansSeen.Add(plan.PlanId);
        }
        return records.Count;
    }

    /// <summary>How old a plan may be to be resumed after a restart.</summary>
    public static readonly TimeSpan PlanResumeWindow = TimeSpan.FromHours(1);

    private void Carry(EvacuationPlanRecord plan)
    {
        if (!_plansSeen.Add(plan.PlanId) || plan.Refused != "" || plan.DryRun || plan.Moves.Count == 0) return;
        var execution = new PlanExecution(EvacuationPlanRecords.FromRecord(plan), Executor, plan.PlanId,
            vm => _movesDone.Contains(PlanExecution.MoveKeyPrefix(plan.PlanId, vm)));
        if (execution.Pending > 0) _plans.Add(execution);
        _log.LogInformation("Evacuation plan {Plan} ({Scope}): {Moves} moves to make", plan.PlanId, plan.Scope, execution.Pending);
    }

    /// <summary>Offers the running plans' pending moves; drops the plans with none left.</summary>
    private async Task StepPlans(CancellationToken ct)
    {
        foreach (var plan in _plans.ToList())
        {
            foreach (var record in await plan.StepAsync(Executor.NowMs, ct)) Publish(record);
            if (plan.Pending > 0) continue;
            _plans.Remove(plan);
            _log.LogInformation("Evacuation plan {Plan} done: {Done} moved, {Refused} refused", plan.PlanId, plan.Done.Count, plan.Refused.Count);
        }
    }

    private async Task Loop(CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(_kafka.Apply(new ConsumerConfig
        {
            GroupId = _groupId, AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true, EnableAutoOffsetStore = false, SessionTimeoutMs = 10_000,
        })).SetPartitionsAssignedHandler((_, _) => _loop.Assigned()).Build();
        consumer.Subscribe([_topics.Telemetry, _topics.Predictions, _topics.Anomalies, _topics.RootCauses, _topics.Approvals, _topics.FailoverPlans]);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                ConsumeResult<string, byte[]>? r;
                try { r = consumer.Consume(TimeSpan.FromMilliseconds(200)); }
                catch (ConsumeException e) when (!e.Error.IsFatal) { _log.LogWarning("consume: {Reason}", e.Error.Reason); continue; }
                if (_plans.Count > 0) await StepPlans(ct);
                if (r?.Message is null) continue;
                _metrics.Pipeline.RecordsIn(r.Topic).Inc();
                foreach (var record in await Decide(r, ct)) Publish(record);
                _metrics.Active.Set(Executor.Active);
                consumer.StoreOffset(r);
                Interlocked.Increment(ref _handled.GetOrAdd(r.Topic, _ => new(0)).Value);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            _producer.Flush(TimeSpan.FromSeconds(10));
            consumer.Close();
        }
    }

    private async Task<IReadOnlyList<ActionRecord>> Decide(ConsumeResult<string, byte[]> r, CancellationToken ct)
    {
        byte[]? value = r.Message.Value;
        if (value is null) return []; // a tombstone: nothing to act on
        string topic = r.Topic;
        try
        {
            if (topic == _topics.Telemetry)
            {
                // Telemetry the anomaly app's validation rejects is its to dead-letter; here it is only left out of
                // the inventory and the checks (a garbled timestamp would move the executor's clock).
                return _codec.Decode(value, r.Message.Key).Sample is { } sample ? await Executor.ObserveAsync(sample, ct) : [];
            }
            if (topic == _topics.Predictions)
                return Triggers.FromPrediction(Use(RecordDecoders.Prediction.Decode(value))) is { } t ? await Executor.HandleAsync(t, ct) : [];
            if (topic == _topics.Anomalies)
                return await Executor.HandleAsync(Triggers.FromAnomaly(Use(RecordDecoders.Anomaly.Decode(value))), ct);
            if (topic == _topics.RootCauses)
                return Triggers.FromRootCause(Use(RecordDecoders.RootCause.Decode(value)), Executor.PlacementOf, Executor.Inventory.VmsOnHost) is { } t ? await Executor.HandleAsync(t, ct) : [];
            if (topic == _topics.Approvals)
                return await Executor.ApproveAsync(Use(RecordDecoders.Approval.Decode(value)), ct);
            if (topic == _topics.FailoverPlans)
            {
                Carry(Use(RecordDecoders.FailoverPlan.Decode(value)));
                return [];
            }
            return [];
        }
        catch (Unusable e)
        {
            _deadLetters.Write(r, e.Code, $"the remediation executor cannot use this {topic} record: {e.Message}");
            return [];
        }
    }

    private static T Use<T>(Decoded<T> decoded) where T : class => decoded.Record ?? throw new Unusable(decoded.Code!, decoded.Reason!);

    /// <summary>A record the executor cannot use, on its way to the dead-letter topic.</summary>
    private sealed class Unusable(string code, string reason) : Exception(reason)
    {
        public string Code { get; } = code;
    }

    private void Publish(ActionRecord record)
    {
        _producer.Produce(_topics.Actions, new Message<string, byte[]> { Key = record.IdempotencyKey, Value = record.ToByteArray() }, report =>
        {
            if (report.Error.IsError) _log.LogError("audit record {Action} not written: {Reason}", record.ActionId, report.Error.Reason);
        });
        _metrics.Count(record);
        _metrics.Pipeline.RecordsOut(_topics.Actions).Inc();
        Interlocked.Increment(ref _published);
    }

    public async ValueTask DisposeAsync()
    {
        await _loop.DisposeAsync();
        _producer.Dispose();
        _disposeWith?.Dispose();
    }
}
