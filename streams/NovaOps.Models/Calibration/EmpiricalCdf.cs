namespace NovaOps.Models.Calibration;

/// <summary>
/// Calibrates a raw error to a score in [0, 1]: the share of normal validation windows with a smaller
/// error (linear between stored quantiles). A score of 0.99 reads "worse than 99% of normal windows",
/// the same meaning for every model and metric mix.
/// </summary>
public sealed class EmpiricalCdf
{
    public const string Kind = "empirical_cdf";
    private readonly double[] _quantiles; // _quantiles[k] = error at probability k / (n - 1)

    public EmpiricalCdf(IReadOnlyList<double> quantiles)
    {
        if (quantiles.Count < 2) throw new ArgumentException("calibration needs at least two quantiles");
        for (int i = 1; i < quantiles.Count; i++)
            if (!(quantiles[i] >= quantiles[i - 1])) throw new ArgumentException("calibration quantiles must be finite and ascending");
        _quantiles = [.. quantiles];
    }

    public IReadOnlyList<double> Quantiles => _quantiles;

    /// <summary>Quantiles at <paramref name="points"/> evenly spaced probabilities of the given errors.</summary>
    public static EmpiricalCdf Fit(IEnumerable<double> errors, int points = 201)
    {
        var sorted = errors.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length < 2) throw new ArgumentException("calibration needs at least two finite errors");
        var q = new double[points];
        for (int k = 0; k < points; k++)
        {
            double position = (double)k / (points - 1) * (sorted.Length - 1);
            int lo = (int)Math.Floor(position);
            int hi = Math.Min(lo + 1, sorted.Length - 1);
            q[k] = sorted[lo] + (sorted[hi] - sorted[lo]) * (position - lo);
        }
        return new EmpiricalCdf(q);
    }

    /// <summary>The score of an error; NaN stays NaN (the caller dead-letters it).</summary>
    public double Score(double error)
    {
        if (double.IsNaN(error)) return double.NaN;
        if (error <= _quantiles[0]) return 0;
        int last = _quantiles.Length - 1;
        if (error >= _quantiles[last]) return 1;
        int hi = Array.BinarySearch(_quantiles, error);
        if (hi >= 0)
        {
            while (hi < last && _quantiles[hi + 1] == error) hi++; // flat run: take its top
            return (double)hi / last;
        }
        hi = ~hi;
        int lo = hi - 1;
        double fraction = (error - _quantiles[lo]) / (_quantiles[hi] - _quantiles[lo]);
        return (lo + fraction) / last;
    }
}
