using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Contracts;
using NovaOps.Remediation.Actuators;
using NovaOps.Kafka;

namespace NovaOps.Streams.Remediation.Actuators;

/// <summary>
/// Sends actions to the fleet simulator, which applies them at its current tick (a restarted leaking VM
/// recovers, a drained host's VMs move): the control plane of the simulated fleet is the fleet-commands topic.
/// Done means the broker has the command (acks=all, idempotent producer, librdkafka's own retries); whether it
/// helped is for the runbook's check to say.
/// </summary>
public sealed class SimulatorActuator(KafkaClientOptions kafka, TopicNames topics) : IActuator, IDisposable
{
    private readonly IProducer<string, byte[]> _producer = new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig
    {
        Acks = Acks.All,
        EnableIdempotence = true,
        LingerMs = 0,
        MessageTimeoutMs = 10_000,
    })).Build();

    public async Task<ActuatorResult> ExecuteAsync(ActionCommand command, CancellationToken ct)
    {
        var message = new FleetCommand
        {
            SchemaVersion = SchemaVersions.FleetCommand, ActionId = command.ActionId, Kind = command.Kind, Target = command.Target,
            TargetKind = command.TargetKind, Undo = command.Undo, AtMs = command.AtMs,
        };
        foreach (var (name, value) in command.Parameters) message.Parameters[name] = value;
        try
        {
            await _producer.ProduceAsync(topics.FleetCommands, new Message<string, byte[]> { Key = command.Target, Value = message.ToByteArray() }, ct);
            return ActuatorResult.Ok();
        }
        catch (ProduceException<string, byte[]> e)
        {
            return ActuatorResult.Failed(1, $"{topics.FleetCommands}: {e.Error.Reason}");
        }
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
