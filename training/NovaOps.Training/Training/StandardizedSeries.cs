using NovaOps.Datasets;

namespace NovaOps.Training.Training;

/// <summary>The dataset's features standardised once with the training split's statistics, and batch gathering.</summary>
internal sealed class StandardizedSeries
{
    private readonly float[][][] _rows; // [series][window][feature]

    public StandardizedSeries(WindowDataset data, FeatureStandardization s)
    {
        Features = data.FeatureCount;
        _rows = data.Series.Select(series => series.Features.Select(row =>
        {
            var z = new float[row.Length];
            for (int i = 0; i < row.Length; i++) z[i] = s.Apply(i, row[i]);
            return z;
        }).ToArray()).ToArray();
    }

    public int Features { get; }

    /// <summary>Copies the rows of <paramref name="refs"/> into <paramref name="buffer"/> ([refs, features]).</summary>
    public void GatherRows(IReadOnlyList<WindowRef> refs, Span<float> buffer)
    {
        for (int k = 0; k < refs.Count; k++)
            _rows[refs[k].Series][refs[k].Window].CopyTo(buffer.Slice(k * Features, Features));
    }

    /// <summary>Copies, for each ref, the <paramref name="length"/> windows ending at it ([refs, length, features]).</summary>
    public void GatherSequences(IReadOnlyList<WindowRef> refs, int length, Span<float> buffer)
    {
        int stride = length * Features;
        for (int k = 0; k < refs.Count; k++)
        {
            var series = _rows[refs[k].Series];
            int first = refs[k].Window - length + 1;
            for (int j = 0; j < length; j++)
                series[first + j].CopyTo(buffer.Slice(k * stride + j * Features, Features));
        }
    }
}
