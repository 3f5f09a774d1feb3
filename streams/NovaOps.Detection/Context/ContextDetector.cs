namespace NovaOps.Detection.Context;

/// <summary>
/// Scores novelty of context, not distance from a mean, after the Contextual Anomaly Detector (CAD OSE) that leads
/// NAB: each metric's values are quantised into levels, the last few levels form contexts of growing order, and a row
/// scores how new its contexts are for this entity: per order 1 / (1 + w·times seen), averaged with each order weighing
/// <see cref="ContextDetectorOptions.OrderWeight"/> of the one below (a new level: every order is new, 1; a known level
/// reached by a new path: some; a context seen once before: less). Contexts seen are counted in a fixed-size table of
/// small counters (a count-min sketch with one row), so the state per
/// entity is bounded. After an alarm the next rows rest at 0, as CAD does, while the memory keeps learning.
/// The quantisation is anchored on the entity's first rows (no look-ahead: CAD itself is given each file's minimum and
/// maximum in advance, which a stream does not have); values beyond that range get levels of their own.
/// </summary>
public sealed class ContextDetector : IAnomalyDetector
{
    // Per metric: warm-up count, warm-up min, warm-up max, level width (0 until fixed), then the last MaxOrder levels, then the memory.
    private const int Seen = 0, Min = 1, Max = 2, Width = 3, MetricHeader = 4;
    private const int CountersPerCell = 6, CounterBits = 8, CounterMax = 255; // a double holds integers exactly up to 2^53
    private const int RestLeft = 0, Header = 1;

    private readonly ContextDetectorOptions _options;
    private readonly int _cells;
    private readonly int _perMetric;

    public ContextDetector(FeatureSchema schema, ContextDetectorOptions? options = null)
    {
        _options = options ?? new ContextDetectorOptions();
        _options.Validate();
        Schema = schema;
        _cells = (_options.MemorySlots + CountersPerCell - 1) / CountersPerCell;
        _perMetric = MetricHeader + _options.MaxOrder + _cells;
    }

    public string Name => "context-novelty/1";
    public FeatureSchema Schema { get; }
    public int StateLength => Header + Schema.MetricCount * _perMetric;

    public void InitState(Span<double> state)
    {
        state.Clear();
        for (int m = 0; m < Schema.MetricCount; m++)
        {
            var s = Metric(state, m);
            s[Min] = double.PositiveInfinity;
            s[Max] = double.NegativeInfinity;
            s.Slice(MetricHeader, _options.MaxOrder).Fill(double.NaN);
        }
    }

    private Span<double> Metric(Span<double> state, int m) => state.Slice(Header + m * _perMetric, _perMetric);

    public double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions)
    {
        double best = 0;
        contributions.Clear();
        for (int m = 0; m < Schema.MetricCount; m++)
        {
            double novelty = Novelty(Metric(state, m), features[FeatureSchema.Index(m, FeatureSchema.Mean)]);
            contributions[m] = novelty;
            best = Math.Max(best, novelty);
        }
        double total = 0;
        foreach (double c in contributions) total += c;
        if (total > 0) for (int m = 0; m < contributions.Length; m++) contributions[m] /= total;

        if (state[RestLeft] > 0)
        {
            state[RestLeft]--;
            contributions.Clear();
            return 0;
        }
        if (best >= _options.AlarmAbove) state[RestLeft] = _options.RestRows;
        return best;
    }

    /// <summary>How new this row's contexts (orders 1..MaxOrder) are; they are counted as seen once more.</summary>
    private double Novelty(Span<double> s, double value)
    {
        if (!double.IsFinite(value)) return 0;
        if (s[Width] == 0)
        {
            s[Min] = Math.Min(s[Min], value);
            s[Max] = Math.Max(s[Max], value);
            if (++s[Seen] >= _options.WarmUpRows)
            {
                double range = s[Max] - s[Min];
                s[Width] = range > 0 ? range / _options.Levels : Math.Max(Math.Abs(s[Min]) * 1e-3, 1e-9);
            }
            else return 0;
        }

        double level = Math.Floor((value - s[Min]) / s[Width]);
        level = Math.Clamp(level, -1e12, 1e12);
        var recent = s.Slice(MetricHeader, _options.MaxOrder);
        for (int i = recent.Length - 1; i > 0; i--) recent[i] = recent[i - 1];
        recent[0] = level;

        var memory = s.Slice(MetricHeader + _options.MaxOrder, _cells);
        double contexts = 0, weight = 1;
        double novelty = 0;
        ulong hash = 14695981039346656037UL;
        for (int order = 1; order <= recent.Length && !double.IsNaN(recent[order - 1]); order++)
        {
            hash = (hash ^ (ulong)(long)recent[order - 1]) * 1099511628211UL;
            ulong h = Mix(hash ^ (ulong)order);
            int slot = (int)(h % (ulong)_options.MemorySlots);
            int cell = slot / CountersPerCell, shift = slot % CountersPerCell * CounterBits;
            long word = (long)memory[cell];
            long count = (word >> shift) & CounterMax;
            contexts += weight;
            novelty += weight / (1 + count * _options.CountWeight);
            weight *= _options.OrderWeight;
            if (count < CounterMax) memory[cell] = word + (1L << shift);
        }
        return contexts == 0 ? 0 : novelty / contexts;
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        return x ^ (x >> 33);
    }
}
