namespace NovaOps.Detection.ContextualAnomaly;

/// <summary>
/// How a <see cref="ContextualAnomalyDetector"/> quantises values, remembers contexts and holds back repeated alarms.
/// <see cref="Bits"/>, <see cref="MaxLeftFacts"/>, <see cref="MaxActiveContexts"/> and <see cref="AlarmAbove"/> are
/// CAD OSE's published settings; warm-up, rest and <see cref="SpatialTolerance"/> (Numenta's spatial anomalies) are
/// <c>novaops tune nab</c>'s choice over two folds of NAB development files (docs/benchmarks.md).
/// </summary>
public sealed record ContextualAnomalyOptions
{
    /// <summary>Bits of a quantised value: 2^Bits − 1 steps across the range.</summary>
    public int Bits { get; init; } = 3;

    /// <summary>
    /// Lowest value of the range the steps cover, when it is known in advance (e.g. NAB's harness gives every detector
    /// its file's minimum and maximum); unset, the range is that of the first <see cref="WarmUpRows"/> rows.
    /// </summary>
    public double? Minimum { get; init; }

    /// <summary>Highest value of the range; set together with <see cref="Minimum"/>.</summary>
    public double? Maximum { get; init; }

    /// <summary>Rows whose range fixes the steps when no range is given; they score 0, then are learnt in order.</summary>
    public int WarmUpRows { get; init; } = 600;

    /// <summary>Most facts of a context's left half that still form new contexts (limits how fast memory grows).</summary>
    public int MaxLeftFacts { get; init; } = 7;

    /// <summary>Most active contexts, the most often activated, carried into the next row's left half.</summary>
    public int MaxActiveContexts { get; init; } = 15;

    /// <summary>A value beyond the range seen so far by more than this share of it scores 1 (negative: off).</summary>
    public double SpatialTolerance { get; init; } = 0.1;

    /// <summary>After a row scores <see cref="AlarmAbove"/> or more, this many rows score 0 (one alarm per incident); the memory keeps learning.</summary>
    public int RestRows { get; init; } = 60;

    /// <summary>Score that counts as an alarm for <see cref="RestRows"/>.</summary>
    public double AlarmAbove { get; init; } = 0.75;

    public void Validate()
    {
        if (Bits is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(Bits), "1 to 16");
        if (Minimum.HasValue != Maximum.HasValue) throw new ArgumentException("Minimum and Maximum are given together or not at all");
        if (Minimum is { } lo && Maximum is { } hi && (!double.IsFinite(lo) || !double.IsFinite(hi) || hi < lo))
            throw new ArgumentOutOfRangeException(nameof(Maximum), $"a finite range with Minimum ≤ Maximum, not [{lo}, {hi}]");
        if (WarmUpRows < 2) throw new ArgumentOutOfRangeException(nameof(WarmUpRows), "at least 2 rows");
        if (MaxLeftFacts < 1) throw new ArgumentOutOfRangeException(nameof(MaxLeftFacts), "at least 1");
        if (MaxActiveContexts < 0) throw new ArgumentOutOfRangeException(nameof(MaxActiveContexts), "not negative");
        if (RestRows < 0) throw new ArgumentOutOfRangeException(nameof(RestRows), "not negative");
        if (AlarmAbove is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(AlarmAbove), "in (0, 1]");
    }
}
