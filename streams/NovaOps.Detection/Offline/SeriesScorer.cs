namespace NovaOps.Detection.Offline;

/// <summary>
/// Scores a series row by row, in order, with no look-ahead: each row (one value, or one value per metric) is its own
/// window, closed as soon as it is added, so the score of a row depends only on the rows up to it. The same extractor
/// and detector run inside the stream topology. History given first through <see cref="Learn"/> (e.g. last month)
/// is learnt the same way, its scores dropped.
/// </summary>
public sealed class SeriesScorer
{
    private readonly WindowFeatureExtractor _extractor;
    private readonly IAnomalyDetector _detector;
    private readonly double[] _extractorState;
    private readonly double[] _detectorState;
    private readonly double[] _features;
    private readonly double[] _contributions;
    private readonly double[] _values = new double[1];

    public SeriesScorer(Func<FeatureSchema, IAnomalyDetector> detectorFactory, FeatureOptions? features = null)
        : this(detectorFactory, ["value"], features) { }

    /// <param name="metrics">The columns of a row, in order.</param>
    public SeriesScorer(Func<FeatureSchema, IAnomalyDetector> detectorFactory, IReadOnlyList<string> metrics, FeatureOptions? features = null)
    {
        var schema = new FeatureSchema(metrics);
        _extractor = new WindowFeatureExtractor(schema, features ?? new FeatureOptions());
        _detector = detectorFactory(schema);
        _extractorState = new double[_extractor.StateLength];
        _detectorState = new double[_detector.StateLength];
        _features = new double[schema.Length];
        _contributions = new double[schema.MetricCount];
        _extractor.InitState(_extractorState);
        _detector.InitState(_detectorState);
    }

    /// <summary>Bytes of state the series keeps (window features and detector), as the topology keeps per VM.</summary>
    public int StateBytes => (_extractorState.Length + _detectorState.Length) * sizeof(double);

    /// <summary>Score of this row of a single series in [0, 1]; a missing (NaN) value scores 0 and leaves the history as it is.</summary>
    public double Next(long timestampMs, double value)
    {
        _values[0] = value;
        return Next(timestampMs, _values);
    }

    /// <summary>
    /// Score of a row of every metric in [0, 1]. A missing (NaN) value is left out of its metric's window; a row with
    /// no value at all scores 0 and leaves the history as it is.
    /// </summary>
    public double Next(long timestampMs, ReadOnlySpan<double> values)
    {
        if (values.Length != _detector.Schema.MetricCount)
            throw new ArgumentException($"a row of {values.Length} values where the scorer has {_detector.Schema.MetricCount} metrics", nameof(values));
        bool any = false;
        foreach (double v in values) any |= double.IsFinite(v);
        if (!any) return 0;
        _extractor.Add(_extractorState, timestampMs, values, _features);
        if (_extractor.Close(_extractorState, _features) is null) return 0;
        return _detector.Score(_features, _detectorState, _contributions);
    }

    /// <summary>Learns from history rows (oldest first) as if they had been scored, without giving their scores.</summary>
    public void Learn(MetricTable history)
    {
        for (int i = 0; i < history.Count; i++) Next(history.TimestampsMs[i], history.Rows[i]);
    }
}
