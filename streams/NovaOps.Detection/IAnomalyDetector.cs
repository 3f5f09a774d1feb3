namespace NovaOps.Detection;

/// <summary>
/// Scores one feature window of one entity (a VM, a series). Detectors are stateless objects; what
/// they remember about an entity lives in a span of doubles owned by the caller, so the same
/// detector serves millions of keys and the state goes into a state store as it is.
/// The statistical detector implements this now; the ONNX models implement it next.
/// </summary>
public interface IAnomalyDetector
{
    /// <summary>Name and version, written on every anomaly.</summary>
    string Name { get; }

    /// <summary>The features this detector reads, in order.</summary>
    FeatureSchema Schema { get; }

    /// <summary>Number of doubles of per-entity state.</summary>
    int StateLength { get; }

    /// <summary>Fills a fresh per-entity state.</summary>
    void InitState(Span<double> state);

    /// <summary>
    /// Scores a window and updates the entity's state. Returns the score in [0, 1] and writes each
    /// metric's share of it into <paramref name="contributions"/> (length <see cref="FeatureSchema.MetricCount"/>).
    /// </summary>
    double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions);
}
