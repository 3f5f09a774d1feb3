using NovaOps.Rca.Evidence;

namespace NovaOps.Rca.Methods;

/// <summary>One way of ranking root-cause candidates from a case's evidence; each is selectable and evaluated on its own.</summary>
public interface IRootCauseMethod
{
    /// <summary>The name <c>--method</c> and the <c>root-causes</c> records use.</summary>
    string Name { get; }

    /// <summary>A score per node (higher: more likely the cause); nodes left out score 0.</summary>
    IReadOnlyDictionary<string, double> Score(RcaCase c, IReadOnlyDictionary<string, NodeAnomaly> evidence);
}
