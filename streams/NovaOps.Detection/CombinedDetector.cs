namespace NovaOps.Detection;

/// <summary>
/// Two detectors on the same features: the score is the higher of the two, the contributions those of
/// the detector that gave it. Each keeps its own state, side by side in the entity's span.
/// </summary>
public sealed class CombinedDetector(IAnomalyDetector first, IAnomalyDetector second) : IAnomalyDetector
{
    public string Name { get; } = $"combined({first.Name}, {second.Name})";
    public FeatureSchema Schema => first.Schema;
    public int StateLength => first.StateLength + second.StateLength;
    public bool SharedAcrossEntities => first.SharedAcrossEntities && second.SharedAcrossEntities;

    public void InitState(Span<double> state)
    {
        first.InitState(state[..first.StateLength]);
        second.InitState(state.Slice(first.StateLength, second.StateLength));
    }

    public double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions)
    {
        Span<double> other = stackalloc double[contributions.Length]; // stateless, like every detector
        double a = first.Score(features, state[..first.StateLength], contributions);
        double b = second.Score(features, state.Slice(first.StateLength, second.StateLength), other);
        if (b > a) other.CopyTo(contributions);
        return Math.Max(a, b);
    }
}
