namespace NovaOps.Detection.Subspace;

/// <summary>
/// Scores a row of metrics by how far it falls from the entity's normal subspace: the principal components of its own
/// standardised history that explain most of the variance (PCA reconstruction error), optionally with the distance
/// inside that subspace (Hotelling's T²). The means, the covariance and the decomposition are learnt online per entity
/// and live in its state span (a few hundred doubles for a VM's metrics), so the same detector runs per VM in the
/// topology and per server on a CSV after its history (<c>--train</c>). Reads each metric's window mean.
/// </summary>
public sealed class SubspaceDetector : IAnomalyDetector
{
    private const int Count = 0, SinceRefresh = 1, Smoothed = 2, Header = 3;

    private readonly SubspaceDetectorOptions _options;
    private readonly int _d;

    public SubspaceDetector(FeatureSchema schema, SubspaceDetectorOptions? options = null)
    {
        _options = options ?? new SubspaceDetectorOptions();
        _options.Validate();
        Schema = schema;
        _d = schema.MetricCount;
    }

    public string Name => _options.InsideWeight > 0 ? "subspace-t2-spe/1" : "subspace-spe/1";
    public FeatureSchema Schema { get; }

    // Header, means, covariance, then the scoring form.
    public int StateLength => Header + _d + 2 * _d * _d;

    private Span<double> Means(Span<double> s) => s.Slice(Header, _d);
    private Span<double> Covariance(Span<double> s) => s.Slice(Header + _d, _d * _d);
    private Span<double> Form(Span<double> s) => s.Slice(Header + _d + _d * _d, _d * _d);

    public void InitState(Span<double> state) => state.Clear();

    public double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions)
    {
        int d = _d;
        contributions.Clear();
        var means = Means(state);
        var cov = Covariance(state);
        Span<double> x = stackalloc double[d];
        Span<double> z = stackalloc double[d];
        for (int m = 0; m < d; m++)
        {
            double v = features[FeatureSchema.Index(m, FeatureSchema.Mean)];
            x[m] = double.IsFinite(v) ? v : double.NaN;
        }

        double n = state[Count];
        double score = 0;
        if (n >= _options.WarmUpRows)
        {
            if (state[SinceRefresh] >= _options.RefreshRows || n == _options.WarmUpRows) Refresh(state);
            for (int m = 0; m < d; m++)
                z[m] = double.IsNaN(x[m]) ? 0 : (x[m] - means[m]) / StandardDeviation(cov[m * d + m]);
            var form = Form(state);
            Span<double> mz = stackalloc double[d];
            double q = 0;
            for (int i = 0; i < d; i++)
            {
                double sum = 0;
                for (int j = 0; j < d; j++) sum += form[i * d + j] * z[j];
                mz[i] = sum;
                q += z[i] * sum;
            }
            q = Math.Max(q, 0);
            double k = 2.0 / (_options.SmoothingRows + 1);
            state[Smoothed] = _options.SmoothingRows == 1 || n == _options.WarmUpRows ? q : state[Smoothed] + k * (q - state[Smoothed]);

            score = 1 - Math.Pow(2, -state[Smoothed] / _options.HalfScoreDistance);
            if (q > 0)
                for (int m = 0; m < d; m++) contributions[m] = Math.Max(0, z[m] * mz[m]) / q;
        }

        Learn(state, x);
        return score;
    }

    private double StandardDeviation(double variance) => Math.Max(Math.Sqrt(Math.Max(variance, 0)), _options.MinStandardDeviation);

    /// <summary>Moves the means and covariances towards the row (missing values: the mean, so they change nothing).</summary>
    private void Learn(Span<double> state, ReadOnlySpan<double> x)
    {
        int d = _d;
        double n = ++state[Count];
        state[SinceRefresh]++;
        double alpha = 1 / Math.Min(n, _options.HistoryRows);
        var means = Means(state);
        var cov = Covariance(state);
        Span<double> delta = stackalloc double[d];
        for (int m = 0; m < d; m++) delta[m] = double.IsNaN(x[m]) ? 0 : x[m] - means[m];
        for (int m = 0; m < d; m++) means[m] += alpha * delta[m];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                cov[i * d + j] = (1 - alpha) * (cov[i * d + j] + alpha * delta[i] * delta[j]);
    }

    /// <summary>Decomposes the learnt correlations and writes the quadratic form that scores a standardised row.</summary>
    private void Refresh(Span<double> state)
    {
        int d = _d;
        state[SinceRefresh] = 0;
        var cov = Covariance(state);
        Span<double> corr = stackalloc double[d * d];
        Span<double> sd = stackalloc double[d];
        for (int i = 0; i < d; i++) sd[i] = StandardDeviation(cov[i * d + i]);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) corr[i * d + j] = cov[i * d + j] / (sd[i] * sd[j]);
        Span<double> values = stackalloc double[d];
        Span<double> vectors = stackalloc double[d * d];
        SymmetricEigen.Decompose(corr, d, values, vectors);

        double total = 0;
        for (int i = 0; i < d; i++) total += Math.Max(values[i], 0);
        int k = 0;
        double explained = 0;
        while (k < d - 1 && explained < _options.VarianceExplained * total) explained += Math.Max(values[k++], 0);
        if (d == 1) k = 0;
        double residual = 0;
        for (int i = k; i < d; i++) residual += Math.Max(values[i], 0);
        double floor = 1e-6 * Math.Max(total, 1e-12);
        residual = Math.Max(residual, floor);

        var form = Form(state);
        form.Clear();
        for (int c = 0; c < d; c++)
        {
            double w = c >= k ? 1 / residual : _options.InsideWeight / (k * Math.Max(values[c], floor));
            if (w == 0) continue;
            for (int i = 0; i < d; i++)
            {
                double vi = vectors[i * d + c] * w;
                for (int j = 0; j < d; j++) form[i * d + j] += vi * vectors[j * d + c];
            }
        }
    }
}
