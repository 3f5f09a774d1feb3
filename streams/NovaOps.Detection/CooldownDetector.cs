namespace NovaOps.Detection;

/// <summary>
/// Wraps a detector so that after an alarm (score at or above <paramref name="above"/>) the entity's next
/// <paramref name="windows"/> windows score 0: one incident raises one alarm, as NAB and on-call people
/// both want. The wrapped detector keeps learning during the cooldown. State: one extra double.
/// </summary>
public sealed class CooldownDetector(IAnomalyDetector inner, int windows, double above) : IAnomalyDetector
{
    public string Name => inner.Name;
    public FeatureSchema Schema => inner.Schema;
    public int StateLength => inner.StateLength + 1;
    public bool SharedAcrossEntities => inner.SharedAcrossEntities;

    public void InitState(Span<double> state)
    {
        inner.InitState(state[..inner.StateLength]);
        state[inner.StateLength] = 0;
    }

    public double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions)
    {
        double score = inner.Score(features, state[..inner.StateLength], contributions);
        ref double remaining = ref state[inner.StateLength];
        if (remaining > 0) { remaining--; contributions.Clear(); return 0; }
        if (score >= above) remaining = windows;
        return score;
    }
}
