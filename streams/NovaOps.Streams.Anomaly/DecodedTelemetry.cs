using NovaOps.Contracts;

namespace NovaOps.Streams.Anomaly;

/// <summary>A telemetry record after decoding: a valid sample or the dead-letter record for it.</summary>
public sealed class DecodedTelemetry
{
    public TelemetrySample? Sample { get; private init; }
    public DeadLetter? DeadLetter { get; private init; }

    public static DecodedTelemetry Valid(TelemetrySample s) => new() { Sample = s };
    public static DecodedTelemetry Rejected(DeadLetter d) => new() { DeadLetter = d };
}
