namespace NovaOps.Placement;

/// <summary>How the placement service chooses (section <c>Placement</c>).</summary>
public sealed record PlacementOptions
{
    public PlacementStrategy Strategy { get; init; } = PlacementStrategy.BestFit;

    /// <summary>A host whose VMs the incident predictor flags gets no new VMs for this long after the last alarm.</summary>
    public TimeSpan PredictedFailureHold { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Alarms on this many distinct VMs of a host within <see cref="PredictedFailureHold"/> mark the host as predicted to fail.</summary>
    public int PredictedFailureVms { get; init; } = 2;
}
