namespace NovaOps.Detection;

/// <summary>
/// Scores one feature window of one entity (a VM, a series). Detectors are stateless objects; what
/// they remember about an entity lives in a span of doubles owned by the caller, so the same
/// detector serves millions of keys and the state goes into a state store as it is.
/// A detector whose memory cannot be bounded says so through <see cref="SharedAcrossEntities"/>.
/// </summary>
public interface IAnomalyDetector
{
    /// <summary>Name and version, written on every anomaly.</summary>
    string Name { get; }

    /// <summary>The features this detector reads, in order.</summary>
    FeatureSchema Schema { get; }

    /// <summary>Number of doubles of per-entity state.</summary>
    int StateLength { get; }

    /// <summary>
    /// True (the rule): the detector keeps nothing of its own and one instance serves every entity through their spans.
    /// False: it keeps one entity's memory itself (its memory grows with what the entity shows), so each entity needs an
    /// instance of its own, and <see cref="InitState"/> starts that memory over.
    /// </summary>
    bool SharedAcrossEntities => true;

    /// <summary>Fills a fresh per-entity state.</summary>
    void InitState(Span<double> state);

    /// <summary>
    /// Scores a window and updates the entity's state. Returns the score in [0, 1] and writes each
    /// metric's share of it into <paramref name="contributions"/> (length <see cref="FeatureSchema.MetricCount"/>).
    /// </summary>
    double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions);
}
