using NovaOps.Contracts;

namespace NovaOps.Streams.Rca;

/// <summary>What the incident processor writes: a ranking, or a dead letter for an anomaly it could not read.</summary>
public sealed class RcaOutput
{
    public RootCauseEvent? RootCause { get; private init; }
    public DeadLetter? DeadLetter { get; private init; }

    public static RcaOutput Of(RootCauseEvent r) => new() { RootCause = r };
    public static RcaOutput Of(DeadLetter d) => new() { DeadLetter = d };
}
