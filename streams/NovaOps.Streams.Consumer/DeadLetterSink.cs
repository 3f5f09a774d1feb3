using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Contracts;
using NovaOps.Observability;

namespace NovaOps.Streams.Consumer;

/// <summary>A record a service cannot read, to the dead-letter topic with the reason and its origin, counted by reason.</summary>
public sealed class DeadLetterSink(IProducer<string, byte[]> producer, TopicNames topics, PipelineMetrics metrics)
{
    public void Write(ConsumeResult<string, byte[]> record, string reasonCode, string reason)
    {
        metrics.DeadLettered(reasonCode).Inc();
        var key = record.Message.Key;
        var letter = DeadLetters.Create(metrics.App, reasonCode, reason, record.Topic, record.Partition.Value, record.Offset.Value,
            key is null ? [] : System.Text.Encoding.UTF8.GetBytes(key), record.Message.Value, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        producer.Produce(topics.DeadLetter, new Message<string, byte[]> { Key = key ?? "", Value = letter.ToByteArray() });
        metrics.RecordsOut(topics.DeadLetter).Inc();
    }
}
