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
