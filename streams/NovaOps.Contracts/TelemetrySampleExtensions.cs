namespace NovaOps.Contracts;

public static class TelemetrySampleExtensions
{
    /// <summary>
    /// Copies the standard metrics into <paramref name="values"/> in <see cref="MetricNames.Standard"/>
    /// order; a metric the sample does not carry is NaN.
    /// </summary>
    public static void CopyStandardMetrics(this TelemetrySample s, Span<double> values)
    {
        values[0] = s.HasCpuUtil ? s.CpuUtil : double.NaN;
        values[1] = s.HasMemUtil ? s.MemUtil : double.NaN;
        values[2] = s.HasDiskUtil ? s.DiskUtil : double.NaN;
        values[3] = s.HasDiskIoWait ? s.DiskIoWait : double.NaN;
        values[4] = s.HasNetRxBytes ? s.NetRxBytes : double.NaN;
        values[5] = s.HasNetTxBytes ? s.NetTxBytes : double.NaN;
        values[6] = s.HasLatencyP99Ms ? s.LatencyP99Ms : double.NaN;
        values[7] = s.HasErrorRate ? s.ErrorRate : double.NaN;
    }
}
