namespace NovaOps.Detection;

/// <summary>
/// The last W feature rows of one entity, kept in its state array: [count, head, W × features] as a
/// ring, so the history travels with the state (through a changelog, in a topology).
/// </summary>
public static class FeatureHistory
{
    public static int Length(int windows, int features) => 2 + windows * features;

    public static void Init(Span<double> state) => state.Clear();

    /// <summary>Appends a window; returns how many windows the history now holds (at most W).</summary>
    public static int Push(Span<double> state, int windows, int features, ReadOnlySpan<double> row)
    {
        int count = (int)state[0], head = (int)state[1];
        row.CopyTo(state.Slice(2 + head * features, features));
        state[1] = (head + 1) % windows;
        state[0] = count = Math.Min(windows, count + 1);
        return count;
    }

    /// <summary>Copies the history, oldest window first, into <paramref name="sequence"/> (W × features).</summary>
    public static void CopyOrdered(ReadOnlySpan<double> state, int windows, int features, Span<float> sequence)
    {
        int head = (int)state[1]; // the oldest window once the ring is full
        for (int k = 0; k < windows; k++)
        {
            var source = state.Slice(2 + (head + k) % windows * features, features);
            var target = sequence.Slice(k * features, features);
            for (int f = 0; f < features; f++) target[f] = (float)source[f];
        }
    }
}
