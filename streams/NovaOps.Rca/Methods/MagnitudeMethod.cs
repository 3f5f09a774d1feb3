using NovaOps.Rca.Evidence;

namespace NovaOps.Rca.Methods;

/// <summary>N-Sigma / BARO: the node that strayed furthest from its normal history is the cause. No graph.</summary>
public sealed class MagnitudeMethod : IRootCauseMethod
{
    public string Name => "nsigma";

    public IReadOnlyDictionary<string, double> Score(RcaCase c, IReadOnlyDictionary<string, NodeAnomaly> evidence) =>
        evidence.ToDictionary(e => e.Key, e => e.Value.Magnitude, StringComparer.Ordinal);
}
