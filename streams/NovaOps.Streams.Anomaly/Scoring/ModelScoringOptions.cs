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
}

/// <summary>
/// How closed windows are gathered for ONNX Runtime (section <c>Anomaly:MicroBatch</c>). The defaults were
/// chosen by <c>novaops bench inference</c>: ONNX Runtime's rows per CPU second inside the topology rose
/// from 1.1M (5 ms, mean batch 42) to 1.8M (50 ms, 123) and 2.8M (250 ms, 225), and not further at 1 s.
/// A window is a minute of telemetry: a quarter of a second more before its score is not felt downstream.
/// </summary>
public sealed record MicroBatchOptions
{
    /// <summary>A batch is scored as soon as it holds this many windows.</summary>
    public int MaxBatch { get; init; } = 1024;

    /// <summary>…or when its oldest window has waited this long: the latency a micro-batch may add.</summary>
    public int MaxDelayMs { get; init; } = 250;

    /// <summary>
    /// How often a task looks for a due batch when no record comes to do it: a tenth of the delay, at least
    /// 10 ms (Streamiz's shortest punctuation). When records stop, two ticks score what waits: a batch waits
    /// at most about 1.2 × MaxDelayMs.
    /// </summary>
    public TimeSpan CheckInterval => TimeSpan.FromMilliseconds(Math.Max(10, MaxDelayMs / 10));
}
