using System.Text;
using NovaOps.Contracts;
using NovaOps.Observability;

namespace NovaOps.Streams.Anomaly;

/// <summary>
/// First step of the topology: bytes → a valid sample, or a dead-letter record that keeps the
/// original bytes, the reason and where the record came from. Counts both.
/// </summary>
public sealed class TelemetryDecoder(TelemetryCodec codec, PipelineMetrics metrics, TimeProvider clock)
{
    private Prometheus.Counter.Child? _in;

    public DecodedTelemetry Decode(string? key, byte[]? value, string topic, int partition, long offset)
    {
        (_in ??= metrics.RecordsIn(topic)).Inc();

        var result = codec.Decode(value ?? [], key);
        if (result.IsValid) return DecodedTelemetry.Valid(result.Sample!);

        metrics.DeadLettered(result.ReasonCode!).Inc();
        return DecodedTelemetry.Rejected(DeadLetters.Create(metrics.App, result.ReasonCode!, result.Reason!,
            topic, partition, offset,
            key is null ? [] : Encoding.UTF8.GetBytes(key), value ?? [], clock.GetUtcNow().ToUnixTimeMilliseconds()));
    }
}
