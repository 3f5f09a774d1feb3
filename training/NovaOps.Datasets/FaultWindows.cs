namespace NovaOps.Datasets;

/// <summary>
/// The faults that touch one entity, and what they make of each of its windows (<see cref="WindowLabel"/>).
/// One labelling for every source of ground truth: the simulator's fault plan and recorded fault labels.
/// </summary>
internal sealed class FaultWindows
{
    private readonly List<Span> _spans = [];

    /// <summary>A fault of the entity itself: not normal from its precursor, an incident to predict at its onset.</summary>
    public void AddOwn(long precursorStartMs, long onsetMs, long endMs) => _spans.Add(new Span(precursorStartMs, onsetMs, endMs, false));

    /// <summary>
    /// A fault hurting the entity through service calls: not normal from onset (no precursor of its own), but not
    /// the entity's own incident to predict either: nothing in its history announces a callee's fault.
    /// </summary>
    public void AddCascade(long onsetMs, long endMs) => _spans.Add(new Span(onsetMs, onsetMs, endMs, true));

    public WindowLabel Label(long startMs, long endMs)
    {
        bool faulty = false, inIncident = false;
        long? next = null;
        foreach (var f in _spans)
        {
            if (f.PrecursorStartMs < endMs && f.EndMs > startMs) faulty = true;
            if (f.OnsetMs < endMs && f.EndMs > startMs) inIncident = true; // cascades too: such windows are no sample of calm or of a coming incident
            if (f.Cascade) continue;
            if (f.OnsetMs >= endMs && (next is null || f.OnsetMs - endMs < next)) next = f.OnsetMs - endMs;
        }
        return new WindowLabel(faulty, inIncident, next);
    }

    /// <summary>The label of a window of an entity no fault touches.</summary>
    public static WindowLabel Label(FaultWindows? faults, long startMs, long endMs) => faults?.Label(startMs, endMs) ?? WindowLabel.Normal;

    private readonly record struct Span(long PrecursorStartMs, long OnsetMs, long EndMs, bool Cascade);
}
