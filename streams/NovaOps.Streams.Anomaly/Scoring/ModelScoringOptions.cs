namespace NovaOps.Streams.Anomaly.Scoring;

/// <summary>Which detector the anomaly topology runs.</summary>
public enum DetectorMode
{
    /// <summary>The streaming statistical detector (no model, no training).</summary>
    Statistical,

    /// <summary>The ONNX anomaly model of the registry.</summary>
    Onnx,

    /// <summary>Both: a window is an anomaly when either detector reaches its threshold; the event carries the higher one.</summary>
    Combined,

    /// <summary>
    /// The subspace detector (no model): each VM's normal relations between its metrics, learnt from its own windows;
    /// the same code as <c>novaops detect</c> and <c>eval servers</c> for rows of several metrics.
    /// </summary>
    Subspace,
}

/// <summary>What a mode needs.</summary>
public static class DetectorModes
{
    /// <summary>True for the modes that score with the registry's ONNX model.</summary>
    public static bool UsesModel(this DetectorMode mode) => mode is DetectorMode.Onnx or DetectorMode.Combined;
}

/// <summary>
/// How closed windows are gathered for ONNX Runtime (section <c>Anomaly:MicroBatch</c>); one batch per stream
/// thread takes the windows of all its tasks (<see cref="ThreadBatches"/>). The defaults were chosen with both
/// benchmarks: with batches per task, bench inference's ONNX Runtime rows per CPU second inside the topology
/// went from 1.1M (5 ms / 256, mean batch 42, before padding) to 2.4M (25 ms / 512, mean 120) and 2.8M
/// (50 ms / 1024, mean 192), while bench pipeline's topology rate was 192k rec/s at 25 ms / 512, 178k at
/// 50 ms / 1024 and 148k at 250 ms / 1024: larger batches held longer cost the stream more than they save in
/// ONNX Runtime, which is under 1% of the stream threads' CPU. Shared per thread, 25 ms / 512 gives a mean
/// batch of about 360 on the same bench.
/// </summary>
public sealed record MicroBatchOptions
{
    /// <summary>A batch is scored as soon as it holds this many windows.</summary>
    public int MaxBatch { get; init; } = 512;

    /// <summary>…or when its oldest window has waited this long: the latency a micro-batch may add.</summary>
    public int MaxDelayMs { get; init; } = 25;

    /// <summary>
    /// How often a task looks for a due batch when no record comes to do it: a tenth of the delay, at least
    /// 10 ms (Streamiz's shortest punctuation). When records stop, two ticks score what waits: a batch waits
    /// at most about 1.2 × MaxDelayMs.
    /// </summary>
    public TimeSpan CheckInterval => TimeSpan.FromMilliseconds(Math.Max(10, MaxDelayMs / 10));
}
