using System.Buffers;

namespace NovaOps.Models.Onnx;

/// <summary>
/// Pads a batch to one of a few sizes before ONNX Runtime sees it. ONNX Runtime plans memory per input
/// shape, and the first run of a shape pays for the plan; a topology's micro-batches come in nearly every
/// size from 1 to the maximum, so without padding almost every run was a first run (bench inference).
/// Sizes: powers of two up to 64, then multiples of 64, so at most 63 rows (or half a small batch) are
/// padding.
/// </summary>
public static class BatchShapes
{
    public const int Step = 64;

    /// <summary>The padded row count for <paramref name="rows"/> rows (≥ 1).</summary>
    public static int Padded(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        return rows <= Step ? (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)rows) : (rows + Step - 1) / Step * Step;
    }

    /// <summary>Every padded row count a batch of 1 to <paramref name="maxRows"/> rows can get, smallest first.</summary>
    public static IEnumerable<int> Sizes(int maxRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        for (int rows = 1; ; rows = rows < Step ? rows * 2 : rows + Step)
        {
            yield return rows;
            if (rows >= Padded(maxRows)) yield break;
        }
    }

    /// <summary>
    /// A pooled buffer of <see cref="Padded"/>(<paramref name="rows"/>) rows of <paramref name="width"/>
    /// values, the padding rows zeroed; return it with <see cref="PaddedBuffer.Dispose"/>.
    /// </summary>
    public static PaddedBuffer Rent(int rows, int width)
    {
        int padded = Padded(rows);
        var array = ArrayPool<float>.Shared.Rent(padded * width);
        Array.Clear(array, rows * width, (padded - rows) * width);
        return new PaddedBuffer(array, padded, width);
    }
}

/// <summary>A pooled, padded batch: the first rows are the caller's to fill, the rest are zeros.</summary>
public readonly struct PaddedBuffer(float[] array, int rows, int width) : IDisposable
{
    public int Rows { get; } = rows;
    public Memory<float> Memory => array.AsMemory(0, Rows * width);
    public Span<float> Row(int i) => array.AsSpan(i * width, width);
    public void Dispose() => ArrayPool<float>.Shared.Return(array);
}
