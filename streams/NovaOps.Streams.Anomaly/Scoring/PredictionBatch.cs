using NovaOps.Contracts;
using NovaOps.Detection;

namespace NovaOps.Streams.Anomaly.Scoring;

/// <summary>
/// The window histories of one stream thread's tasks waiting for the incident model, scored together
/// (full, due, or when records stop, like <see cref="WindowBatch"/>); predictions go to each history's
/// task outbox. Alarms get per-metric contributions by occlusion.
/// </summary>
internal sealed class PredictionBatch
{
    private readonly PredictionScoring _model;
    private readonly VmScoring _scoring;
    private readonly int _stride, _metrics;
    private readonly List<(TaskOutbox Owner, TelemetrySample Sample, long WindowEndMs)> _pending;
    private readonly float[] _sequences;
    private readonly double[] _probabilities;
    private readonly MicroBatchTimer _timer;

    public PredictionBatch(PredictionScoring model, VmScoring scoring)
    {
        _model = model;
        _scoring = scoring;
        _stride = model.SequenceWindows * scoring.Extractor.Schema.Length;
        _metrics = scoring.Extractor.Schema.MetricCount;
        int n = Math.Max(1, model.Batch.MaxBatch);
        _pending = new(n);
        _sequences = new float[n * _stride];
        _probabilities = new double[n];
        _timer = new MicroBatchTimer(model.Batch);
    }

    public int Count => _pending.Count;
    public bool Full => _pending.Count >= _model.Batch.MaxBatch;
    public bool Due => _timer.Due(_pending.Count);

    public void Add(TaskOutbox owner, TelemetrySample sample, long windowEndMs, ReadOnlySpan<double> history)
    {
        _timer.Adding(_pending.Count);
        owner.Added();
        FeatureHistory.CopyOrdered(history, _model.SequenceWindows, _scoring.Extractor.Schema.Length, _sequences.AsSpan(_pending.Count * _stride, _stride));
        _pending.Add((owner, sample, windowEndMs));
    }

    public void Flush()
    {
        int n = _pending.Count;
        if (n == 0) return;
        var scorer = _model.Scorer();
        string id = scorer.Model.Id;
        double cpuStart = NovaOps.Observability.ThreadCpuClock.Now();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        double onnxCpu = scorer.Score(_sequences.AsMemory(0, n * _stride), _probabilities);
        _model.Metrics.ModelRunSeconds(id).Observe(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
        double threshold = scorer.Model.Card.Threshold, publishAbove = _model.Options.PublishAbove ?? threshold;

        // Contributions for the alarms only, all in one run.
        var alarms = new List<int>();
        for (int i = 0; i < n; i++) if (_probabilities[i] >= threshold) alarms.Add(i);
        var shares = new double[alarms.Count * _metrics];
        if (alarms.Count > 0)
        {
            var sequences = new float[alarms.Count * _stride];
            var probabilities = new double[alarms.Count];
            for (int k = 0; k < alarms.Count; k++)
            {
                _sequences.AsSpan(alarms[k] * _stride, _stride).CopyTo(sequences.AsSpan(k * _stride));
                probabilities[k] = _probabilities[alarms[k]];
            }
            scorer.Contributions(sequences, probabilities, shares);
        }
        var metrics = _model.Metrics;
        metrics.ModelCpuSeconds(id).Inc(NovaOps.Observability.ThreadCpuClock.Now() - cpuStart);
        metrics.ModelOnnxCpuSeconds(id).Inc(onnxCpu);
        metrics.ModelRows(id).Inc(n);
        metrics.ModelBatchSize(id).Observe(n);

        var schema = _scoring.Extractor.Schema;
        int alarm = 0;
        for (int i = 0; i < n; i++)
        {
            var (owner, sample, end) = _pending[i];
            owner.Done();
            double p = _probabilities[i];
            // A history with non-finite features gets no prediction. (The ONNX anomaly path dead-letters
            // the window itself; validation keeps non-finite samples out, so only overflow gets here.)
            if (double.IsNaN(p)) continue;
            bool isAlarm = p >= threshold;
            if (p >= publishAbove)
            {
                var e = new PredictionEvent
                {
                    SchemaVersion = SchemaVersions.Prediction, VmId = sample.VmId, TenantId = sample.TenantId, TenantTier = sample.TenantTier,
                    Region = sample.Region, Zone = sample.Zone, Host = sample.Host, WindowEndMs = end,
                    HorizonMs = (long)scorer.Horizon.TotalMilliseconds, Probability = p, Model = id, Alarm = isAlarm,
                };
                if (isAlarm)
                    for (int m = 0; m < _metrics; m++)
                    {
                        double share = shares[alarm * _metrics + m];
                        if (share > 0) e.Contributions.Add(new MetricContribution { Metric = schema.Metrics[m], Contribution = share });
                    }
                var ordered = e.Contributions.OrderByDescending(c => c.Contribution).ToList();
                e.Contributions.Clear();
                e.Contributions.AddRange(ordered);
                owner.Emit(sample.VmId, ScoringOutput.Of(e));
            }
            if (isAlarm) alarm++;
        }
        _pending.Clear();
    }
}
