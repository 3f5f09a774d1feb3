using Confluent.Kafka;
using Google.Protobuf;
using Streamiz.Kafka.Net.SerDes;

namespace NovaOps.Streams.Hosting;

/// <summary>Streamiz serdes for a protobuf message.</summary>
public sealed class ProtobufSerDes<T> : AbstractSerDes<T> where T : IMessage<T>, new()
{
    private static readonly MessageParser<T> Parser = new(() => new T());

    public override T Deserialize(byte[] data, SerializationContext context) => Parser.ParseFrom(data);

    public override byte[] Serialize(T data, SerializationContext context) => data.ToByteArray();
}

/// <summary>
/// Streamiz serdes for a compacted table of protobuf records read at every start (the topology graph): a record that
/// <paramref name="decode"/> refuses (returns null for) reads as null, a tombstone, so one bad record drops its key from the table
/// instead of stopping the app at every start (Streamiz's deserialization handler does not cover global tables).
/// </summary>
public sealed class TolerantProtobufSerDes<T>(Func<byte[], T?> decode) : AbstractSerDes<T> where T : class, IMessage<T>, new()
{
    public override T Deserialize(byte[] data, SerializationContext context) => (data is null ? null : decode(data))!;

    public override byte[] Serialize(T data, SerializationContext context) => data.ToByteArray();
}
