using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Contracts;
using NovaOps.Kafka;

namespace NovaOps.Cli.Demo;

/// <summary>
/// The on-call's alerting: an anomaly alarm pages the on-call about its VM (again only after <paramref name="quiet"/> of
/// simulated time without one), and the simulated fleet's person then fixes what that VM suffers after acknowledging
/// it (docs/simulator.md). Without the remediation executor that is all operations do, the closed loop's baseline. With
/// it (<paramref name="automationFirst"/> set), automation goes first, as an escalation policy would have it: an alarm
/// pages only when no action has run on its VM, host or zone, or asked a person's approval there, from an hour before it
/// to <paramref name="automationFirst"/> after it (an action a guardrail blocked did nothing). Each page is sent to the fleet as a command and written to the actions topic as an executed page.
/// </summary>
internal sealed class AlarmPager(KafkaClientOptions kafka, TopicNames topics, TimeSpan quiet, TimeSpan? automationFirst = null) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    private long _anomaliesHandled;

    public int Pages { get; private set; }

    /// <summary>Anomaly records read and answered, their pages delivered to the fleet (a simulation holds its clock back on this).</summary>
    public long AnomaliesHandled => Interlocked.Read(ref _anomaliesHandled);

    public void Start() => _loop = Task.Factory.StartNew(Loop, TaskCreationOptions.LongRunning);

    private void Loop()
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig
        {
            GroupId = $"novaops-demo-pager-{Guid.NewGuid():N}", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        })).Build();
        using var producer = new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig { Acks = Acks.All })).Build();
        consumer.Subscribe(automationFirst is null ? [topics.Anomalies] : [topics.Anomalies, topics.Actions]);
        var lastPage = new Dictionary<string, long>(StringComparer.Ordinal);
        var actedOn = new Dictionary<string, List<long>>(StringComparer.Ordinal); // node -> when actions touched it
        var waiting = new Queue<AnomalyEvent>();
        long now = 0; // simulated time: the latest alarm's window end
        long wait = (long)(automationFirst ?? TimeSpan.Zero).TotalMilliseconds;
        while (!_stop.IsCancellationRequested)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r?.Message?.Value is { } value)
            {
                if (r.Topic == topics.Actions)
                {
                    var action = ActionRecord.Parser.ParseFrom(value);
                    if (action.Runbook != Runbook && action.Outcome is ActionOutcome.Executed or ActionOutcome.AwaitingApproval)
                    {
                        if (!actedOn.TryGetValue(action.Target, out var times)) actedOn[action.Target] = times = [];
                        times.Add(action.AtMs);
                    }
                }
                else
                {
                    var anomaly = AnomalyEvent.Parser.ParseFrom(value);
                    now = Math.Max(now, anomaly.WindowEndMs);
                    waiting.Enqueue(anomaly);
                }
            }
            int paged = Pages;
            while (waiting.TryPeek(out var next) && next.WindowEndMs + wait <= now)
            {
                waiting.Dequeue();
                long at = next.WindowEndMs;
                if (lastPage.TryGetValue(next.VmId, out long last) && at - last < quiet.TotalMilliseconds) continue;
                bool Acted(string node) => actedOn.TryGetValue(node, out var times) && times.Any(t => t >= at - 3_600_000 && t <= at + wait);
                if (automationFirst is not null && (Acted(next.VmId) || Acted(next.Host) || Acted(next.Zone))) continue;
                lastPage[next.VmId] = at;
                Page(producer, next, at + wait);
            }
            if (Pages > paged) producer.Flush(TimeSpan.FromSeconds(10));
            if (r?.Message?.Value is not null && r.Topic == topics.Anomalies) Interlocked.Increment(ref _anomaliesHandled);
        }
        producer.Flush(TimeSpan.FromSeconds(5));
        consumer.Close();
    }

    private const string Runbook = "on-call pager";

    private void Page(IProducer<string, byte[]> producer, AnomalyEvent anomaly, long at)
    {
        string id = $"page/{anomaly.VmId}/{anomaly.WindowEndMs}";
        var command = new FleetCommand
        {
            SchemaVersion = SchemaVersions.FleetCommand, ActionId = id, Kind = ActionKind.PageHuman, Target = anomaly.VmId, TargetKind = NodeKind.Vm, AtMs = at,
        };
        producer.Produce(topics.FleetCommands, new Message<string, byte[]> { Key = command.Target, Value = command.ToByteArray() });
        var record = new ActionRecord
        {
            SchemaVersion = SchemaVersions.Action, ActionId = id, IdempotencyKey = id, Trigger = "anomaly", Runbook = Runbook,
            Kind = ActionKind.PageHuman, Target = anomaly.VmId, TargetKind = NodeKind.Vm, Zone = anomaly.Zone, Host = anomaly.Host,
            Outcome = ActionOutcome.Executed, Reason = "alarm: paging the on-call", AtMs = at,
        };
        producer.Produce(topics.Actions, new Message<string, byte[]> { Key = id, Value = record.ToByteArray() });
        Pages++;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop?.Wait(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
