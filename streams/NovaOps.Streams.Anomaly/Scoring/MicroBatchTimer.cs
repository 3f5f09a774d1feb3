using System.Diagnostics;

namespace NovaOps.Streams.Anomaly.Scoring;

/// <summary>When a micro-batch is due: its oldest item has waited <see cref="MicroBatchOptions.MaxDelayMs"/>.</summary>
internal sealed class MicroBatchTimer(MicroBatchOptions options)
{
    private readonly long _maxDelayTicks = (long)(options.MaxDelayMs / 1000.0 * Stopwatch.Frequency);
    private long _oldest;

    /// <summary>Call when an item is added to a batch holding <paramref name="countBefore"/> items.</summary>
    public void Adding(int countBefore)
    {
        if (countBefore == 0) _oldest = Stopwatch.GetTimestamp();
    }

    public bool Due(int count) => count > 0 && Stopwatch.GetTimestamp() - _oldest >= _maxDelayTicks;
}
