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

/// <summary>What the scoring step emits for an input record: an anomaly, a prediction, a dead letter, or (mostly) nothing.</summary>
public sealed class ScoringOutput
{
    public AnomalyEvent? Anomaly { get; private init; }
    public PredictionEvent? Prediction { get; private init; }
    public DeadLetter? DeadLetter { get; private init; }

    public static ScoringOutput Of(AnomalyEvent a) => new() { Anomaly = a };
    public static ScoringOutput Of(PredictionEvent p) => new() { Prediction = p };
    public static ScoringOutput Of(DeadLetter d) => new() { DeadLetter = d };
}
