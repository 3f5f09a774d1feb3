using NovaOps.Contracts;

namespace NovaOps.Simulator.Faults;

/// <summary>
/// One fault of the plan, in simulator ticks. <see cref="AffectedVms"/> lists the VMs it touches
/// (for a zone fault: every VM of the zone); <see cref="Cascade"/> the VMs of the services that call theirs,
/// hurt from onset through those calls, each with how much (the share of its latency the fault adds).
/// </summary>
public sealed record InjectedFault(
    string Id, FaultKind Kind, FaultScope Scope, int Target,
    long PrecursorStartTick, long OnsetTick, long EndTick, IReadOnlyList<int> AffectedVms,
    IReadOnlyDictionary<int, double> Cascade)
{
    public bool ActiveAt(long tick) => tick >= PrecursorStartTick && tick < EndTick;

    /// <summary>0 → 1 across the precursor (1 from onset on).</summary>
    public double Progress(long tick) =>
        tick >= OnsetTick ? 1.0 : OnsetTick == PrecursorStartTick ? 1.0 : (double)(tick - PrecursorStartTick) / (OnsetTick - PrecursorStartTick);
}
