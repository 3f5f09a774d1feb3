namespace NovaOps.Streams.Anomaly.Scoring;

/// <summary>
/// The micro-batches of one stream thread, shared by all the tasks it runs. A task reads one partition,
/// and an instance runs many (the benchmarks: 30 on one thread): batches per task stayed small (about a
/// hundred windows in 25 ms), and ONNX Runtime's cost per call, which a cold call inside a busy topology
/// multiplies, was paid that many times more. Results go back to each window's task through its
/// <see cref="TaskOutbox"/>.
/// </summary>
internal sealed class ThreadBatches
{
    public ThreadBatches(VmScoring scoring)
    {
        if (scoring.Model is { } model) Windows = new WindowBatch(model, scoring);
        if (scoring.Prediction is { } prediction) Predictions = new PredictionBatch(prediction, scoring);
    }

    /// <summary>Closed windows waiting for the anomaly model (ONNX modes).</summary>
    public WindowBatch? Windows { get; }

    /// <summary>Window histories waiting for the incident model (prediction on).</summary>
    public PredictionBatch? Predictions { get; }

    /// <summary>
    /// Records that reached the thread's tasks so far. A task whose tick sees the same count as its previous
    /// tick knows no record came to any task of the thread for a whole check interval: records have stopped,
    /// nothing will fill the batches. (A count rather than a clock: the punctuation clock may be a test's.)
    /// </summary>
    public long Records { get; private set; }

    public void RecordSeen() => Records++;

    public bool Due => Windows is { Due: true } || Predictions is { Due: true };

    public void Flush()
    {
        Windows?.Flush();
        Predictions?.Flush();
    }
}
