using Confluent.Kafka;
using Streamiz.Kafka.Net.SerDes;

namespace NovaOps.Streams.Anomaly.State;

/// <summary>
/// Hands a byte array through as it is, both ways: the in-memory store then holds the very array the transformer
/// keeps updating, so a VM's state has one copy in memory, not a live one plus a serialised one. What leaves the
/// process is copied at the moment it leaves (the producer copies a changelog record's value when it is sent).
/// </summary>
public sealed class LiveBytesSerDes : AbstractSerDes<byte[]>
{
    public override byte[] Deserialize(byte[] data, SerializationContext context) => data;

    public override byte[] Serialize(byte[] data, SerializationContext context) => data;
}
