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

/// <summary>How closed windows are gathered for ONNX Runtime (section <c>Anomaly:MicroBatch</c>).</summary>
public sealed record MicroBatchOptions
{
    /// <summary>A batch is scored as soon as it holds this many windows.</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>…or when its oldest window has waited this long: the latency a micro-batch may add.</summary>
    public int MaxDelayMs { get; init; } = 5;
}
