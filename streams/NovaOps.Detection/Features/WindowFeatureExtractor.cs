namespace NovaOps.Detection;

/// <summary>A closed window: its bounds and how many samples it held.</summary>
public readonly record struct ClosedWindow(long StartMs, long EndMs, int Samples);

/// <summary>
/// Turns one entity's samples into window feature vectors (see <see cref="FeatureSchema"/>).
/// All state is in a caller-owned span: [window start, then per metric the window sums and the
/// robust baseline], so it round-trips through a state store without any object graph.
/// </summary>
public sealed class WindowFeatureExtractor
{
    private const int Header = 2; // window start (ms), samples in window
    private const int PerMetric = WindowAccumulator.Length + RobustBaseline.Length;
    private readonly long _windowMs;
    private readonly RobustBaselineOptions _baseline;

    public FeatureSchema Schema { get; }

    public int StateLength => Header + Schema.MetricCount * PerMetric;

    public WindowFeatureExtractor(FeatureSchema schema, FeatureOptions options)
    {
        if (options.Window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "the window must be positive");
        Schema = schema;
        _windowMs = (long)options.Window.TotalMilliseconds;
        _baseline = options.Baseline;
    }

    public void InitState(Span<double> state)
    {
        state[0] = double.NaN;
        state[1] = 0;
        for (int m = 0; m < Schema.MetricCount; m++)
        {
            WindowAccumulator.Reset(Acc(state, m));
            RobustBaseline.Init(Base(state, m));
        }
    }

    /// <summary>
    /// Adds a sample. When it belongs to a later window than the open one, the open window is closed
    /// first: its features are written to <paramref name="features"/> and returned. A sample older than
    /// the open window (late) is folded into the open window rather than dropped.
    /// </summary>
    public ClosedWindow? Add(Span<double> state, long timestampMs, ReadOnlySpan<double> values, Span<double> features)
    {
        long start = timestampMs - Mod(timestampMs, _windowMs);
        ClosedWindow? closed = null;
        if (double.IsNaN(state[0]))
            state[0] = start;
        else if (start > (long)state[0])
        {
            closed = Close(state, features);
            state[0] = start;
        }

        double t = (timestampMs - (long)state[0]) / 60_000.0;
        for (int m = 0; m < Schema.MetricCount; m++)
            WindowAccumulator.Add(Acc(state, m), t, values[m]);
        state[1] += 1;
        return closed;
    }

    /// <summary>Closes the open window now (offline scoring closes one per row); null when it is empty.</summary>
    public ClosedWindow? Close(Span<double> state, Span<double> features)
    {
        int samples = (int)state[1];
        if (samples == 0 || double.IsNaN(state[0])) return null;
        for (int m = 0; m < Schema.MetricCount; m++)
        {
            var acc = Acc(state, m);
            var b = Base(state, m);
            double mean = WindowAccumulator.Mean(acc);
            features[FeatureSchema.Index(m, FeatureSchema.Mean)] = mean;
            features[FeatureSchema.Index(m, FeatureSchema.Max)] = WindowAccumulator.Max(acc);
            features[FeatureSchema.Index(m, FeatureSchema.Slope)] = WindowAccumulator.Slope(acc);
            // Score against the history before this window joins it.
            features[FeatureSchema.Index(m, FeatureSchema.RobustZ)] = double.IsNaN(mean) ? 0 : RobustBaseline.ZScore(b, mean, _baseline);
            RobustBaseline.Update(b, mean, _baseline);
            WindowAccumulator.Reset(acc);
        }
        long startMs = (long)state[0];
        state[1] = 0;
        return new ClosedWindow(startMs, startMs + _windowMs, samples);
    }

    private static long Mod(long a, long m) => ((a % m) + m) % m;

    private static Span<double> Acc(Span<double> s, int m) => s.Slice(Header + m * PerMetric, WindowAccumulator.Length);

    private static Span<double> Base(Span<double> s, int m) => s.Slice(Header + m * PerMetric + WindowAccumulator.Length, RobustBaseline.Length);
}
