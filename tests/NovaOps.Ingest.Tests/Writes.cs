using Google.Protobuf;
using NovaOps.Ingest.RemoteWrite.Wire;

namespace NovaOps.Ingest.Tests;

/// <summary>remote_write requests as Prometheus sends them: protobuf, snappy block format.</summary>
internal static class Writes
{
    public static TimeSeries Series(string name, IEnumerable<(string, string)> labels, params (double Value, long Ms)[] samples)
    {
        var s = new TimeSeries();
        s.Labels.Add(new Label { Name = "__name__", Value = name });
        foreach (var (k, v) in labels.OrderBy(l => l.Item1)) s.Labels.Add(new Label { Name = k, Value = v });
        foreach (var (value, ms) in samples) s.Samples.Add(new Sample { Value = value, Timestamp = ms });
        return s;
    }

    public static byte[] Body(params TimeSeries[] series)
    {
        var request = new WriteRequest();
        request.Timeseries.Add(series);
        return Snappier.Snappy.CompressToArray(request.ToByteArray());
    }
}
