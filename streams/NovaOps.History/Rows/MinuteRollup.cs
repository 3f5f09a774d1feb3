using NovaOps.Contracts;
using NovaOps.History.RowBinary;

namespace NovaOps.History.Rows;

/// <summary>One VM's telemetry over one minute, summed as samples arrive (a metric a sample lacks is left out of its average).</summary>
public sealed class MinuteRollup(TelemetrySample first, long minuteMs)
{
    private readonly double[] _sum = new double[MetricNames.Count], _max = new double[MetricNames.Count];
    private readonly int[] _count = new int[MetricNames.Count];

    public long MinuteMs { get; } = minuteMs;
    public string Vm { get; } = first.VmId;
    public int Samples { get; private set; }
    private readonly string _tenant = first.TenantId, _region = first.Region, _zone = first.Zone, _host = first.Host;

    public static long MinuteOf(long timestampMs) => timestampMs - ((timestampMs % 60_000) + 60_000) % 60_000;

    public void Add(TelemetrySample s)
    {
        Samples++;
        Span<double> v = stackalloc double[MetricNames.Count];
        s.CopyStandardMetrics(v);
        for (int i = 0; i < v.Length; i++)
        {
            if (!double.IsFinite(v[i])) continue; // not measured (or invalid: the anomaly app dead-letters those)
            _sum[i] += v[i];
            _max[i] = _count[i] == 0 ? v[i] : Math.Max(_max[i], v[i]);
            _count[i]++;
        }
    }

    private double Avg(int i) => _count[i] == 0 ? double.NaN : _sum[i] / _count[i];
    private double Max(int i) => _count[i] == 0 ? double.NaN : _max[i];

    /// <summary>The row of <see cref="Schema.HistoryTables.TelemetryMinutes"/> (metrics in <see cref="MetricNames.Standard"/> order).</summary>
    public void Write(RowBinaryWriter w)
    {
        w.DateTime(MinuteMs).String(Vm).String(_tenant).String(_region).String(_zone).String(_host).UInt32((uint)Samples)
            .Float64(Avg(0)).Float64(Max(0)).Float64(Avg(1)).Float64(Max(1)).Float64(Avg(2)).Float64(Avg(3))
            .Float64(Avg(4)).Float64(Avg(5)).Float64(Max(6)).Float64(Avg(7));
        w.EndRow();
    }
}
