namespace NovaOps.Detection;

/// <summary>
/// Sums of one metric inside the open window, enough to give mean, max and least-squares slope
/// without keeping the samples. Stored as six doubles.
/// </summary>
public static class WindowAccumulator
{
    public const int Length = 6;
    private const int N = 0, SumX = 1, MaxX = 2, SumT = 3, SumTT = 4, SumTX = 5;

    public static void Reset(Span<double> a)
    {
        a[N] = 0; a[SumX] = 0; a[MaxX] = double.NegativeInfinity; a[SumT] = 0; a[SumTT] = 0; a[SumTX] = 0;
    }

    /// <param name="tMinutes">time of the sample in minutes since the window start</param>
    public static void Add(Span<double> a, double tMinutes, double x)
    {
        if (!double.IsFinite(x)) return;
        a[N] += 1;
        a[SumX] += x;
        if (x > a[MaxX]) a[MaxX] = x;
        a[SumT] += tMinutes;
        a[SumTT] += tMinutes * tMinutes;
        a[SumTX] += tMinutes * x;
    }

    public static double Count(ReadOnlySpan<double> a) => a[N];

    public static double Mean(ReadOnlySpan<double> a) => a[N] > 0 ? a[SumX] / a[N] : double.NaN;

    public static double Max(ReadOnlySpan<double> a) => a[N] > 0 ? a[MaxX] : double.NaN;

    /// <summary>Least-squares slope per minute; 0 with fewer than two distinct times.</summary>
    public static double Slope(ReadOnlySpan<double> a)
    {
        double n = a[N];
        if (n < 2) return 0;
        double den = n * a[SumTT] - a[SumT] * a[SumT];
        return Math.Abs(den) < 1e-12 ? 0 : (n * a[SumTX] - a[SumT] * a[SumX]) / den;
    }
}
