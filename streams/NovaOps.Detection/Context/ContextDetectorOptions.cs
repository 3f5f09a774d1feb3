namespace NovaOps.Detection.Context;

/// <summary>
/// How a <see cref="ContextDetector"/> quantises values, remembers contexts and holds back repeated alarms. The levels,
/// order, order weight, warm-up, rest and alarm defaults are the best mean of <c>novaops tune nab</c>'s two folds of NAB
/// development files (docs/benchmarks.md has the grid and what the choice scores on a fold it did not see).
/// </summary>
public sealed record ContextDetectorOptions
{
    /// <summary>Rows whose range fixes the quantisation levels (their width and anchor; later values beyond it get levels of their own).</summary>
    public int WarmUpRows { get; init; } = 600;

    /// <summary>Levels across the warm-up range.</summary>
    public int Levels { get; init; } = 6;

    /// <summary>Longest sequence of recent levels that forms a context (1: the level alone).</summary>
    public int MaxOrder { get; init; } = 6;

    /// <summary>Weight of each order relative to the one below it in the average (1: all orders alike).</summary>
    public double OrderWeight { get; init; } = 0.5;

    /// <summary>Counters of each metric's context memory (how often each context was seen, hashed, saturating at 255).</summary>
    public int MemorySlots { get; init; } = 1 << 13;

    /// <summary>How fast a context stops being new: its novelty is 1 / (1 + this × times seen).</summary>
    public double CountWeight { get; init; } = 1;

    /// <summary>After a row's novelty reaches <see cref="AlarmAbove"/>, this many rows score 0 (one alarm per incident); the memory keeps learning.</summary>
    public int RestRows { get; init; } = 120;

    /// <summary>Novelty that counts as an alarm for <see cref="RestRows"/>.</summary>
    public double AlarmAbove { get; init; } = 0.75;

    public void Validate()
    {
        if (WarmUpRows < 2) throw new ArgumentOutOfRangeException(nameof(WarmUpRows), "at least 2 rows");
        if (Levels < 2) throw new ArgumentOutOfRangeException(nameof(Levels), "at least 2");
        if (MaxOrder is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(MaxOrder), "1 to 16");
        if (MemorySlots < 64) throw new ArgumentOutOfRangeException(nameof(MemorySlots), "at least 64");
        if (CountWeight <= 0) throw new ArgumentOutOfRangeException(nameof(CountWeight), "positive");
        if (RestRows < 0) throw new ArgumentOutOfRangeException(nameof(RestRows), "not negative");
        if (AlarmAbove is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(AlarmAbove), "in (0, 1]");
    }
}
