namespace NovaOps.Datasets;

/// <summary>
/// The closed feature windows of one entity (a VM, a series) in time order, with their labels.
/// Features are raw (as the stream topology computes them); models standardise them in their graph.
/// </summary>
public sealed class EntitySeries(string id, int featureCount)
{
    private readonly List<float[]> _features = [];
    private readonly List<long> _endMs = [];
    private readonly List<WindowLabel> _labels = [];

    public string Id { get; } = id;
    public int FeatureCount { get; } = featureCount;
    public int Count => _features.Count;
    public IReadOnlyList<float[]> Features => _features;
    public IReadOnlyList<long> WindowEndMs => _endMs;
    public IReadOnlyList<WindowLabel> Labels => _labels;

    public void Add(long windowEndMs, ReadOnlySpan<double> features, WindowLabel label)
    {
        if (features.Length != FeatureCount) throw new ArgumentException($"{features.Length} features, expected {FeatureCount}");
        if (_endMs.Count > 0 && windowEndMs <= _endMs[^1]) throw new ArgumentException("windows must be added in time order");
        var row = new float[FeatureCount];
        for (int i = 0; i < row.Length; i++) row[i] = (float)features[i];
        _features.Add(row);
        _endMs.Add(windowEndMs);
        _labels.Add(label);
    }
}

/// <summary>What the ground truth says about one window.</summary>
/// <param name="Faulty">A fault touching the entity overlaps the window (precursor included): the window is not normal.</param>
/// <param name="InIncident">A fault touching the entity is past its onset during the window: too late to predict it.</param>
/// <param name="MsToNextOnset">Time from the window's end to the next onset of a fault touching the entity (null: none).</param>
public readonly record struct WindowLabel(bool Faulty, bool InIncident, long? MsToNextOnset)
{
    public static readonly WindowLabel Normal = new(false, false, null);

    /// <summary>An incident starts within <paramref name="horizon"/> after the window ends.</summary>
    public bool IncidentWithin(TimeSpan horizon) => MsToNextOnset is { } ms && ms <= (long)horizon.TotalMilliseconds;
}
