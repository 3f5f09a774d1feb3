using Confluent.Kafka;
using Streamiz.Kafka.Net.SerDes;

namespace NovaOps.Streams.Anomaly;

/// <summary>Per-VM detector state as raw doubles: no object graph, a straight memory copy each way.</summary>
public sealed class DoubleArraySerDes : AbstractSerDes<double[]>
{
    public override double[] Deserialize(byte[] data, SerializationContext context)
    {
        var result = new double[data.Length / sizeof(double)];
        Buffer.BlockCopy(data, 0, result, 0, result.Length * sizeof(double));
        return result;
    }

    public override byte[] Serialize(double[] data, SerializationContext context)
    {
        var bytes = new byte[data.Length * sizeof(double)];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
