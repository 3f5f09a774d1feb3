using System.Collections.Concurrent;
using Confluent.Kafka;
using NovaOps.Contracts;
using NovaOps.Kafka;

namespace NovaOps.Cli.Demo;

/// <summary>
/// Reads the run's outputs back from Kafka with its own consumer, as any downstream service
/// would: anomalies, predictions, root causes, actions, fault labels (the ground truth) and dead letters; with
/// <paramref name="recordTelemetry"/>, also the telemetry of the VMs named by <see cref="RecordTelemetryOf"/> (for the
/// run's record: filtered by key, the others are not parsed).
/// </summary>
internal sealed class OutcomeCollector(KafkaClientOptions kafka, TopicNames topics, bool recordTelemetry = false) : IDisposable
{
    private volatile IReadOnlySet<string>? _telemetryOf;

    public ConcurrentQueue<TelemetrySample> Telemetry { get; } = new();

    /// <summary>The VMs whose telemetry to keep; set before the simulator starts publishing.</summary>
    public void RecordTelemetryOf(IReadOnlySet<string> vms) => _telemetryOf = vms;

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _deadLetters;

    public ConcurrentQueue<AnomalyEvent> Anomalies { get; } = new();
    public ConcurrentQueue<FaultLabel> Labels { get; } = new();
    public ConcurrentQueue<PredictionEvent> Predictions { get; } = new();
    public ConcurrentQueue<RootCauseEvent> RootCauses { get; } = new();
    public ConcurrentQueue<ActionRecord> Actions { get; } = new();

    /// <summary>Wall-clock time (Unix ms, the record's Kafka timestamp) at which each executed action was written, by action id.</summary>
    public ConcurrentDictionary<string, long> ExecutedWallMs { get; } = new();
    public long DeadLetters => Interlocked.Read(ref _deadLetters);

    public void Start()
    {
        _loop = Task.Factory.StartNew(Loop, TaskCreationOptions.LongRunning);
    }

    private void Loop()
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig
        {
            GroupId = $"novaops-demo-collector-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        })).Build();
        consumer.Subscribe([topics.Anomalies, topics.FaultLabels, topics.DeadLetter, topics.Predictions, topics.RootCauses, topics.Actions,
            .. recordTelemetry ? new[] { topics.Telemetry } : []]);
        while (!_stop.IsCancellationRequested)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r?.Message?.Value is null) continue;
            if (r.Topic == topics.Telemetry)
            {
                if (_telemetryOf?.Contains(r.Message.Key ?? "") == true)
                    try { Telemetry.Enqueue(TelemetrySample.Parser.ParseFrom(r.Message.Value)); } catch (Google.Protobuf.InvalidProtocolBufferException) { }
                continue;
            }
            if (r.Topic == topics.Anomalies) Anomalies.Enqueue(AnomalyEvent.Parser.ParseFrom(r.Message.Value));
            else if (r.Topic == topics.FaultLabels) Labels.Enqueue(FaultLabel.Parser.ParseFrom(r.Message.Value));
            else if (r.Topic == topics.Predictions) Predictions.Enqueue(PredictionEvent.Parser.ParseFrom(r.Message.Value));
            else if (r.Topic == topics.RootCauses) RootCauses.Enqueue(RootCauseEvent.Parser.ParseFrom(r.Message.Value));
            else if (r.Topic == topics.Actions)
            {
                var action = ActionRecord.Parser.ParseFrom(r.Message.Value);
                Actions.Enqueue(action);
                if (action.Outcome == ActionOutcome.Executed) ExecutedWallMs.TryAdd(action.ActionId, r.Message.Timestamp.UnixTimestampMs);
            }
            else Interlocked.Increment(ref _deadLetters);
        }
        consumer.Close();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop?.Wait(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
