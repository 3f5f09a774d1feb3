using System.Diagnostics;

namespace NovaOps.Cli.Demo;

/// <summary>
/// Holds the simulation's clock back until the apps that decide have handled what it published: before each tick, every
/// condition must hold for the records published so far (the anomaly app has read them all, the executor or the on-call
/// pager has answered every anomaly and prediction written from them). With the emitter reading the commands topic to
/// its end before each tick, a decision lands in the tick after its evidence, as it would in a fleet whose clock is the
/// wall clock: the pipeline's wall-clock latency is measured apart (time to decide), not multiplied by the time
/// compression into simulated minutes.
/// </summary>
/// <param name="timeout">The longest one tick waits; past it the tick runs and counts a stall.</param>
internal sealed class PipelineBarrier(IReadOnlyList<Func<long, bool>> caughtUp, TimeSpan timeout)
{
    private long _stalls, _waitedTicks;

    /// <summary>Ticks that ran before the apps had caught up (<paramref name="timeout"/> passed).</summary>
    public long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>Wall-clock time spent waiting for the apps.</summary>
    public TimeSpan Waited => TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks));

    /// <summary>Waits until every condition holds for <paramref name="published"/> records (the emitter's BeforeTick).</summary>
    public Task WaitAsync(long published, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!caughtUp.All(c => c(published)))
        {
            if (ct.IsCancellationRequested) break;
            if (clock.Elapsed > timeout)
            {
                Interlocked.Increment(ref _stalls);
                break;
            }
            ct.WaitHandle.WaitOne(1);
        }
        Interlocked.Add(ref _waitedTicks, clock.Elapsed.Ticks);
        return Task.CompletedTask;
    }
}
