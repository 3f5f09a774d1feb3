using System.Diagnostics;

namespace NovaOps.Cli.Demo;

/// <summary>
/// Holds the simulation's clock back until the apps that decide have handled what it published: before each tick, every
/// condition must hold for the records published up to the tick before the last one (the anomaly app has read them all,
/// the executor or the on-call pager has answered every anomaly and prediction written from them), so the apps work on
/// one tick while the simulator publishes the next. With the emitter reading the commands topic to its end before each
/// tick, a decision lands at most two ticks after its evidence, as it would in a fleet whose clock is the wall clock:
/// the pipeline's wall-clock latency is measured apart (time to decide), not multiplied by the time compression into
/// simulated minutes.
/// </summary>
/// <param name="timeout">The longest one tick waits; past it the tick runs and counts a stall.</param>
internal sealed class PipelineBarrier(IReadOnlyList<Func<long, bool>> caughtUp, TimeSpan timeout)
{
    private long _stalls, _previous;

    /// <summary>Ticks that ran before the apps had caught up (<paramref name="timeout"/> passed).</summary>
    public long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>
    /// The emitter's BeforeTick: waits until every condition holds for the records published before the previous call
    /// (<paramref name="published"/> is the count now, through the last tick).
    /// </summary>
    public Task WaitAsync(long published, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long due = Interlocked.Exchange(ref _previous, published);
        while (!caughtUp.All(c => c(due)))
        {
            if (ct.IsCancellationRequested) break;
            if (clock.Elapsed > timeout)
            {
                Interlocked.Increment(ref _stalls);
                break;
            }
            ct.WaitHandle.WaitOne(1);
        }
        return Task.CompletedTask;
    }
}
