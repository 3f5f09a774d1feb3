using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Contracts;
using NovaOps.Kafka;

namespace NovaOps.Cli.Demo;

/// <summary>
/// The demo's on-call engineer: reads the actions topic like any operator console would and answers every action
/// awaiting approval with an approval on the approvals topic once the simulation's clock (<paramref name="simulatedNowMs"/>)
/// is <paramref name="after"/> past the request.
/// The executor treats it as it would a person; the closed-loop figures still count those faults as needing a human.
/// </summary>
internal sealed class SimulatedOnCall(KafkaClientOptions kafka, TopicNames topics, TimeSpan after, Func<long> simulatedNowMs) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public int Approved { get; private set; }

    public void Start() => _loop = Task.Factory.StartNew(Loop, TaskCreationOptions.LongRunning);

    private void Loop()
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig
        {
            GroupId = $"novaops-demo-on-call-{Guid.NewGuid():N}", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        })).Build();
        using var producer = new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig { Acks = Acks.All })).Build();
        consumer.Subscribe(topics.Actions);
        var due = new PriorityQueue<ActionRecord, long>();
        while (!_stop.IsCancellationRequested)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r?.Message?.Value is { } value)
            {
                var action = ActionRecord.Parser.ParseFrom(value);
                if (action.Outcome == ActionOutcome.AwaitingApproval) due.Enqueue(action, action.AtMs + (long)after.TotalMilliseconds);
            }
            while (due.TryPeek(out var waiting, out long at) && at <= simulatedNowMs())
            {
                due.Dequeue();
                var approval = new ApprovalRecord
                {
                    SchemaVersion = SchemaVersions.Approval, ActionId = waiting.ActionId, Approved = true, Approver = "demo-on-call",
                    Comment = $"approved {after.TotalMinutes:0.#} min after it was asked", AtMs = waiting.AtMs + (long)after.TotalMilliseconds,
                };
                producer.Produce(topics.Approvals, new Message<string, byte[]> { Key = approval.ActionId, Value = approval.ToByteArray() });
                Approved++;
            }
        }
        producer.Flush(TimeSpan.FromSeconds(5));
        consumer.Close();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _loop?.Wait(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
