using Google.Protobuf;

namespace NovaOps.Contracts;

public static class DeadLetters
{
    /// <summary>Builds the dead-letter record for a rejected input, keeping the original bytes so nothing is lost.</summary>
    public static DeadLetter Create(string app, string reasonCode, string reason, string topic, int partition, long offset,
        ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long nowMs) => new()
    {
        SchemaVersion = SchemaVersions.DeadLetter,
        App = app,
        ReasonCode = reasonCode,
        Reason = reason,
        SourceTopic = topic,
        SourcePartition = partition,
        SourceOffset = offset,
        OriginalKey = ByteString.CopyFrom(key),
        OriginalValue = ByteString.CopyFrom(value),
        DeadLetteredAtMs = nowMs,
    };
}
