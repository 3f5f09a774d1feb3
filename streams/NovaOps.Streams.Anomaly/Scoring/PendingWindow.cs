using NovaOps.Detection;

namespace NovaOps.Streams.Anomaly.Scoring;

/// <summary>
/// The closed window of a VM that waits for the model, kept in the VM's state until it is scored:
/// [flag, start, end, samples, features…, statistical score, statistical contributions…]. The state
/// reaches the changelog at every commit, so a window whose records' offsets were committed but which
/// was not scored yet (a crash, or a stop, between two micro-batches) is found again after a restore
/// and scored when the VM's next record arrives: micro-batching loses no window.
/// </summary>
internal static class PendingWindow
{
    public static int Length(int features, int metrics) => 4 + features + 1 + metrics;

    /// <summary>The slots holding instants in milliseconds (kept as doubles when the state is packed).</summary>
    public static IReadOnlyList<int> Instants { get; } = [1, 2];

    /// <summary>The slot of the flag.</summary>
    public const int Flag = 0;

    public static bool IsSet(ReadOnlySpan<double> block) => block[Flag] == 1;

    public static void Set(Span<double> block, ClosedWindow window, ReadOnlySpan<double> features, double statScore, ReadOnlySpan<double> statContributions)
    {
        block[Flag] = 1;
        block[1] = window.StartMs;
        block[2] = window.EndMs;
        block[3] = window.Samples;
        features.CopyTo(block.Slice(4, features.Length));
        block[4 + features.Length] = statScore;
        statContributions.CopyTo(block[(5 + features.Length)..]);
    }

    public static void Clear(Span<double> block) => block[Flag] = 0;

    public static (ClosedWindow Window, double StatScore) Read(ReadOnlySpan<double> block, Span<double> features, Span<double> statContributions)
    {
        block.Slice(4, features.Length).CopyTo(features);
        block.Slice(5 + features.Length, statContributions.Length).CopyTo(statContributions);
        return (new ClosedWindow((long)block[1], (long)block[2], (int)block[3]), block[4 + features.Length]);
    }
}
