namespace NovaOps.Detection.ContextualAnomaly;

/// <summary>
/// The Contextual Anomaly Detector (CAD OSE) for single series, with Numenta's spatial anomalies: each value is
/// quantised to <see cref="ContextualAnomalyOptions.Bits"/> bits over the series' range, its bits are facts, and the
/// <see cref="ContextMemory"/> scores how little of what usually follows the previous row happened, and how much of
/// this row's context is new. A value beyond the range seen so far (by more than a tolerance) scores 1. After an alarm
/// the next rows rest at 0 while the memory keeps learning.
/// <para>
/// No look-ahead: without a given range, the first <see cref="ContextualAnomalyOptions.WarmUpRows"/> rows are held,
/// score 0, and are learnt in order once their range fixes the steps. Values beyond that range take more bits, as the
/// original does.
/// </para>
/// <para>
/// The memory grows with what the series shows (thousands of contexts on a NAB file), so it cannot live in a fixed
/// span: the detector keeps one series' memory itself (<see cref="SharedAcrossEntities"/> is false) and scores only the
/// series it was made for. Several metrics: one memory each, the row's score is the highest.
/// </para>
/// </summary>
public sealed class ContextualAnomalyDetector : IAnomalyDetector
{
    private readonly ContextualAnomalyOptions _options;
    private readonly List<double[]> _warmUp = [];
    private MetricMemory[] _metrics = [];
    private double[] _scratch = [], _row = [];
    private bool _ranged;
    private int _restLeft;

    public ContextualAnomalyDetector(FeatureSchema schema, ContextualAnomalyOptions? options = null)
    {
        _options = options ?? new ContextualAnomalyOptions();
        _options.Validate();
        Schema = schema;
        InitState([]);
    }

    public string Name => "contextual-anomaly/1";
    public FeatureSchema Schema { get; }
    public int StateLength => 0;
    public bool SharedAcrossEntities => false;

    /// <summary>Forgets everything: the detector starts over on a fresh series.</summary>
    public void InitState(Span<double> state)
    {
        _metrics = [.. Enumerable.Range(0, Schema.MetricCount).Select(_ => new MetricMemory(_options))];
        _scratch = new double[Schema.MetricCount];
        _row = new double[Schema.MetricCount];
        _warmUp.Clear();
        _ranged = false;
        // The original starts with a full rest: its first rows only learn.
        _restLeft = _options.RestRows;
    }

    public double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions)
    {
        for (int m = 0; m < _row.Length; m++) _row[m] = features[FeatureSchema.Index(m, FeatureSchema.Mean)];
        if (!_ranged)
        {
            if (_options.Minimum is { } lo && _options.Maximum is { } hi)
                foreach (var metric in _metrics) metric.Fix(lo, hi);
            else
            {
                _warmUp.Add([.. _row]);
                contributions.Clear();
                if (_warmUp.Count < _options.WarmUpRows) return 0;
                for (int m = 0; m < _metrics.Length; m++)
                {
                    var seen = _warmUp.Select(r => r[m]).Where(double.IsFinite).DefaultIfEmpty(double.NaN);
                    _metrics[m].Fix(seen.Min(), seen.Max());
                }
                foreach (var row in _warmUp) Row(row, _scratch);
                _warmUp.Clear();
                _ranged = true;
                return 0;
            }
            _ranged = true;
        }
        return Row(_row, contributions);
    }

    /// <summary>Learns and scores a row of values with their ranges fixed, through the rest after alarms.</summary>
    private double Row(ReadOnlySpan<double> values, Span<double> contributions)
    {
        double best = 0, total = 0;
        for (int m = 0; m < _metrics.Length; m++)
        {
            double score = _metrics[m].Learn(values[m]);
            contributions[m] = score;
            total += score;
            best = Math.Max(best, score);
        }
        bool resting = _restLeft > 0;
        if (resting) _restLeft--;
        if (best >= _options.AlarmAbove) _restLeft = _options.RestRows;
        if (resting || total == 0)
        {
            contributions.Clear();
            return 0;
        }
        for (int m = 0; m < contributions.Length; m++) contributions[m] /= total;
        return best;
    }

    /// <summary>One metric: the steps of its range, the range seen so far (spatial anomalies) and its memory.</summary>
    private sealed class MetricMemory(ContextualAnomalyOptions options)
    {
        private double _low = double.NaN, _step = double.NaN;
        private double _seenLow = double.NaN, _seenHigh = double.NaN;

        private readonly ContextMemory _memory = new(options.MaxLeftFacts, options.MaxActiveContexts);

        /// <summary>Fixes the steps over this range (NaN: unknown yet, the first value anchors unit steps, as a flat range does).</summary>
        public void Fix(double low, double high)
        {
            _low = low;
            double steps = (1 << options.Bits) - 1;
            _step = high > low ? (high - low) / steps : double.IsNaN(low) ? double.NaN : 1;
        }

        /// <summary>Learns a value and scores it; a missing value scores 0 and is not learnt.</summary>
        public double Learn(double value)
        {
            if (!double.IsFinite(value)) return 0;
            if (double.IsNaN(_step)) Fix(value, value);
            bool spatial = false;
            if (options.SpatialTolerance >= 0 && _seenHigh > _seenLow)
            {
                double tolerance = (_seenHigh - _seenLow) * options.SpatialTolerance;
                spatial = value > _seenHigh + tolerance || value < _seenLow - tolerance;
            }
            if (!(value <= _seenHigh)) _seenHigh = value;
            if (!(value >= _seenLow)) _seenLow = value;

            var (active, added) = _memory.Step(Facts(value, options.Bits));
            return spatial ? 1 : (1 - active + added) / 2;
        }

        /// <summary>The quantised value's bits as facts, position × 2 + bit, at least <paramref name="bits"/> of them.</summary>
        private int[] Facts(double value, int bits)
        {
            // Below the range a value takes its distance's bits, as the original does; far beyond it, more bits.
            double level = Math.Abs(Math.Truncate((value - _low) / _step));
            ulong q = (ulong)Math.Min(level, 1e18);
            int n = Math.Max(bits, 64 - System.Numerics.BitOperations.LeadingZeroCount(q));
            var facts = new int[n];
            for (int b = 0; b < n; b++) facts[b] = b * 2 + (int)((q >> b) & 1);
            return facts;
        }
    }
}
