using System.Text;
using NovaOps.Contracts;
using NovaOps.Observability;
using Streamiz.Kafka.Net.Processors;

namespace NovaOps.Streams.Anomaly;

/// <summary>
/// First step of the topology: bytes → a valid sample, or a dead-letter record that keeps the
/// original bytes, the reason and where the record came from. Counts both.
/// </summary>
public sealed class TelemetryDecoder(TelemetryCodec codec, PipelineMetrics metrics, TimeProvider clock)
{
    private Prometheus.Counter.Child? _in;

    public DecodedTelemetry Decode(string? key, byte[]? value, IRecordContext context)
    {
        (_in ??= metrics.RecordsIn(context.Topic)).Inc();
        var result = codec.Decode(value ?? [], key);
        if (result.IsValid) return DecodedTelemetry.Valid(result.Sample!);

        metrics.DeadLettered(result.ReasonCode!).Inc();
        return DecodedTelemetry.Rejected(DeadLetters.Create(metrics.App, result.ReasonCode!, result.Reason!,
            context.Topic, context.Partition, context.Offset,
            key is null ? [] : Encoding.UTF8.GetBytes(key), value ?? [], clock.GetUtcNow().ToUnixTimeMilliseconds()));
    }
}
