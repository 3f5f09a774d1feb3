namespace NovaOps.Detection;

/// <summary>
/// A robust running estimate of an entity's normal level: an EWMA of the location and of the
/// absolute deviation, where each update is clipped to a few scales so that an outlier moves
/// the baseline only a little (a Huber-style M-estimator in O(1) memory, instead of a median/MAD
/// over a buffer that would cost a sort per window). Stored as three doubles: location, scale, count.
/// </summary>
public static class RobustBaseline
{
    public const int Length = 3;
    private const int Loc = 0, Scale = 1, Count = 2;

    // E|X - mu| = sigma * sqrt(2/pi) for a normal variable: 1.2533 turns the mean absolute deviation into sigma.
    private const double SigmaPerMeanAbsDev = 1.2533;

    public static void Init(Span<double> b)
    {
        b[Loc] = 0;
        b[Scale] = 0;
        b[Count] = 0;
    }

    public static double Location(ReadOnlySpan<double> b) => b[Loc];

    /// <summary>Robust z-score of <paramref name="x"/>; 0 until the baseline has <paramref name="warmUp"/> samples.</summary>
    public static double ZScore(ReadOnlySpan<double> b, double x, in RobustBaselineOptions o)
    {
        if (b[Count] < o.WarmUp) return 0;
        double sigma = SigmaPerMeanAbsDev * b[Scale];
        double floor = Math.Max(o.AbsoluteFloor, o.RelativeFloor * Math.Abs(b[Loc]));
        return (x - b[Loc]) / Math.Max(sigma, floor);
    }

    public static void Update(Span<double> b, double x, in RobustBaselineOptions o)
    {
        if (!double.IsFinite(x)) return;
        double n = b[Count];
        if (n == 0)
        {
            b[Loc] = x;
            b[Scale] = 0;
            b[Count] = 1;
            return;
        }

        // Learn fast while young (running mean), then settle to the configured EWMA rates.
        double alpha = Math.Max(o.Alpha, 1.0 / (n + 1));
        double beta = Math.Max(o.Beta, 1.0 / (n + 1));
        double r = x - b[Loc];
        double sigma = SigmaPerMeanAbsDev * b[Scale];
        if (n >= o.WarmUp && sigma > 0)
        {
            double limit = o.Clip * sigma;
            r = Math.Clamp(r, -limit, limit);
        }
        b[Loc] += alpha * r;
        b[Scale] += beta * (Math.Abs(r) - b[Scale]);
        b[Count] = n + 1;
    }
}

/// <summary>Rates and bounds of a <see cref="RobustBaseline"/>.</summary>
public readonly record struct RobustBaselineOptions(
    double Alpha = 0.02,
    double Beta = 0.02,
    double Clip = 3.0,
    int WarmUp = 10,
    double AbsoluteFloor = 1e-9,
    double RelativeFloor = 1e-3)
{
    public RobustBaselineOptions() : this(0.02) { }
}
