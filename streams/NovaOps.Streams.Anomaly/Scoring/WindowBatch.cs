using System.Diagnostics;
using NovaOps.Contracts;
using NovaOps.Detection;

namespace NovaOps.Streams.Anomaly.Scoring;

/// <summary>
/// The closed windows of one stream thread's tasks waiting for the model (see <see cref="ThreadBatches"/>),
/// scored together when the batch is full, when its oldest window has waited
/// <see cref="MicroBatchOptions.MaxDelayMs"/>, or when records stop. Each result (an anomaly, or a dead
/// letter for a window with non-finite features) goes to the outbox of the window's task, which forwards
/// it down the topology.
/// </summary>
internal sealed class WindowBatch
{
    private readonly ModelScoring _model;
    private readonly VmScoring _scoring;
    private readonly int _features, _metrics;
    private readonly List<Pending> _pending;
    private readonly Dictionary<string, TaskOutbox> _vms = new(StringComparer.Ordinal); // VM → the task its waiting window belongs to
    private readonly float[] _rows;
    private readonly double[] _scores, _contributions, _shadowScores, _shadowContributions, _features64;
    private readonly MicroBatchTimer _timer;

    private sealed record Pending(TaskOutbox Owner, TelemetrySample Sample, ClosedWindow Window, double StatScore, double[]? StatContributions,
        string Topic, int Partition, long Offset, string Key, byte[] Value);

    public WindowBatch(ModelScoring model, VmScoring scoring)
    {
        _model = model;
        _scoring = scoring;
        _features = scoring.Extractor.Schema.Length;
        _metrics = scoring.Extractor.Schema.MetricCount;
        int n = Math.Max(1, model.Batch.MaxBatch);
        _pending = new List<Pending>(n);
        _rows = new float[n * _features];
        _scores = new double[n];
        _shadowScores = new double[n];
        _contributions = new double[n * _metrics];
        _shadowContributions = new double[n * _metrics];
        _features64 = new double[_features];
        _timer = new MicroBatchTimer(model.Batch);
    }

    public int Count => _pending.Count;

    /// <summary>
    /// Whether a window of this VM is waiting in the batch for a live task (a VM's records are all read by one task).
    /// A window of a task closed since (its partition revoked, maybe given back to this thread) does not count: its
    /// result will be dropped, and the VM's state still holds it for the partition's new task to score.
    /// </summary>
    public bool Holds(string vm) => _vms.TryGetValue(vm, out var owner) && !owner.Closed;

    public bool Full => _pending.Count >= _model.Batch.MaxBatch;

    public bool Due => _timer.Due(_pending.Count);

    public void Add(TaskOutbox owner, TelemetrySample sample, ClosedWindow window, ReadOnlySpan<double> features, double statScore, ReadOnlySpan<double> statContributions,
        string topic, int partition, long offset, string key, byte[] value)
    {
        _timer.Adding(_pending.Count);
        owner.Added();
        _vms[sample.VmId] = owner;
        var row = _rows.AsSpan(_pending.Count * _features, _features);
        for (int i = 0; i < _features; i++) row[i] = (float)features[i];
        _pending.Add(new Pending(owner, sample, window, statScore, _model.Mode == DetectorMode.Combined ? statContributions.ToArray() : null,
            topic, partition, offset, key, value));
    }

    /// <summary>Scores the pending windows; each window's result and its being done go to its task's outbox.</summary>
    public void Flush()
    {
        int n = _pending.Count;
        if (n == 0) return;
        var (active, shadow) = _model.Scorers();
        var rows = _rows.AsMemory(0, n * _features);
        long start = Stopwatch.GetTimestamp();
        double cpuStart = NovaOps.Observability.ThreadCpuClock.Now();
        double threshold = active.Model.Card.Threshold;
        double onnxCpu = active.Score(rows, _scores, _contributions, contributionsFrom: threshold); // only anomalies carry contributions
        double cpu = NovaOps.Observability.ThreadCpuClock.Now() - cpuStart;
        var metrics = _model.Metrics;
        metrics.ModelOnnxCpuSeconds(active.Model.Id).Inc(onnxCpu);
        metrics.ModelRunSeconds(active.Model.Id).Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
        metrics.ModelCpuSeconds(active.Model.Id).Inc(cpu);
        metrics.ModelRows(active.Model.Id).Inc(n);
        metrics.ModelBatchSize(active.Model.Id).Observe(n);
        if (shadow is not null)
        {
            // Scored and compared, never acted on.
            shadow.Score(rows, _shadowScores, _shadowContributions, contributionsFrom: double.PositiveInfinity);
            var difference = metrics.ShadowDifference(active.Model.Id, shadow.Model.Id);
            var disagreements = metrics.ShadowDisagreements(active.Model.Id, shadow.Model.Id);
            for (int i = 0; i < n; i++)
            {
                if (double.IsNaN(_scores[i]) || double.IsNaN(_shadowScores[i])) continue;
                difference.Observe(Math.Abs(_shadowScores[i] - _scores[i]));
                if (_scores[i] >= threshold != _shadowScores[i] >= shadow.Model.Card.Threshold) disagreements.Inc();
            }
        }

        var scoreHistogram = _scoring.Metrics.AnomalyScore(active.Model.Id);
        for (int i = 0; i < n; i++)
        {
            var p = _pending[i];
            p.Owner.Scored(p.Sample.VmId);
            p.Owner.Done();
            double score = _scores[i];
            if (double.IsNaN(score))
            {
                _scoring.Metrics.DeadLettered(RejectReasons.NotFinite).Inc();
                p.Owner.Emit(p.Key, ScoringOutput.Of(DeadLetters.Create(_scoring.Metrics.App, RejectReasons.NotFinite,
                    $"window {p.Window.StartMs}..{p.Window.EndMs} of {p.Sample.VmId} has non-finite features; the model cannot score it (last record of the window attached)",
                    p.Topic, p.Partition, p.Offset, System.Text.Encoding.UTF8.GetBytes(p.Key), p.Value, _scoring.Clock.GetUtcNow().ToUnixTimeMilliseconds())));
                continue;
            }
            scoreHistogram.Observe(score);
            var contributions = _contributions.AsSpan(i * _metrics, _metrics);
            bool modelFires = score >= threshold;
            bool statFires = _model.Mode == DetectorMode.Combined && p.StatScore >= _scoring.Options.EmitThreshold;
            if (!modelFires && !statFires) continue;

            for (int f = 0; f < _features; f++) _features64[f] = _rows[i * _features + f];
            var e = modelFires && (!statFires || score >= p.StatScore)
                ? AnomalyEvents.Create(p.Sample, p.Window, score, active.Model.Id, _scoring.Extractor.Schema, _features64, contributions)
                : AnomalyEvents.Create(p.Sample, p.Window, p.StatScore, _scoring.Detector.Name, _scoring.Extractor.Schema, _features64, p.StatContributions);
            p.Owner.Emit(p.Sample.VmId, ScoringOutput.Of(e));
        }
        _vms.Clear();
        _pending.Clear();
    }
}
