using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Contracts;
using NovaOps.Remediation.Actuators;
using NovaOps.Kafka;

namespace NovaOps.Streams.Remediation.Actuators;

/// <summary>
/// Drains and zone evacuations through the failover planner (<c>Remediation:Evacuation = planner</c>): the action
/// becomes a failover request to the placement service, which plans where every VM goes (capacity, anti-affinity,
/// tiers) and answers on <c>failover-plans</c>; the executor then carries the moves out as live migrations (see
/// <see cref="RemediationApp"/>). Every other action goes to the inner actuator. Done means the broker has the
/// request; the runbook's check says whether the host or zone recovered.
/// </summary>
public sealed class PlannedEvacuationActuator(KafkaClientOptions kafka, TopicNames topics, IActuator inner) : IActuator, IDisposable
{
    private readonly IProducer<string, byte[]> _producer = new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig
    {
        Acks = Acks.All, EnableIdempotence = true, LingerMs = 0, MessageTimeoutMs = 10_000,
    })).Build();

    public async Task<ActuatorResult> ExecuteAsync(ActionCommand command, CancellationToken ct)
    {
        if (command.Undo || command.Kind is not (ActionKind.DrainHost or ActionKind.EvacuateZone)) return await inner.ExecuteAsync(command, ct);
        var request = new FailoverRequest
        {
            SchemaVersion = SchemaVersions.Failover, RequestId = command.ActionId, Scope = command.Kind == ActionKind.DrainHost ? NodeKind.Host : NodeKind.Zone,
            Target = command.Target, Reason = command.Reason, RequestedAtMs = command.AtMs,
        };
        try
        {
            await _producer.ProduceAsync(topics.FailoverRequests, new Message<string, byte[]> { Key = command.Target, Value = request.ToByteArray() }, ct);
            return ActuatorResult.Ok();
        }
        catch (ProduceException<string, byte[]> e)
        {
            return ActuatorResult.Failed(1, $"{topics.FailoverRequests}: {e.Error.Reason}");
        }
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
        (inner as IDisposable)?.Dispose();
    }
}
