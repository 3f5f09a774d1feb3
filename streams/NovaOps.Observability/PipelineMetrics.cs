using Prometheus;

namespace NovaOps.Observability;

/// <summary>
/// The metrics every stream app exposes. One instance per app on its own registry (no static
/// state): two apps in one process, or a test beside the demo, never mix their counts.
/// </summary>
public sealed class PipelineMetrics
{
    private readonly Counter _in, _out, _deadLettered;
    private readonly Histogram _latency, _score;
    private readonly Gauge _lag;
    private readonly Histogram _batchSize, _modelSeconds, _shadowDifference;
    private readonly Counter _shadowDisagreements, _pendingAtCommit, _modelCpu, _modelOnnxCpu, _modelRows;
    private readonly Counter _anomalies, _alarms, _windows;

    public CollectorRegistry Registry { get; }

    public string App { get; }

    public PipelineMetrics(string app, CollectorRegistry? registry = null)
    {
        App = app;
        Registry = registry ?? Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        var labels = new[] { "app", "topic" };
        _in = f.CreateCounter("novaops_records_in_total", "Records read, by topic.", labels);
        _out = f.CreateCounter("novaops_records_out_total", "Records written, by topic.", labels);
        _deadLettered = f.CreateCounter("novaops_dead_lettered_total", "Records sent to the dead-letter topic, by reason.", ["app", "reason"]);
        _latency = f.CreateHistogram("novaops_processing_latency_seconds",
            "Time from a record's Kafka timestamp to the end of its processing.", new HistogramConfiguration
            {
                LabelNames = ["app"],
                Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16), // 0.5 ms .. ~16 s
            });
        _score = f.CreateHistogram("novaops_anomaly_score", "Distribution of anomaly scores of closed windows.", new HistogramConfiguration
        {
            LabelNames = ["app", "detector"],
            Buckets = Histogram.LinearBuckets(0.05, 0.05, 19), // 0.05 .. 0.95
        });
        _lag = f.CreateGauge("novaops_consumer_lag_records", "Records not yet consumed by the app's group, by topic and partition.",
            ["app", "topic", "partition"]);
        _batchSize = f.CreateHistogram("novaops_model_batch_size", "Windows per ONNX Runtime call (micro-batches).", new HistogramConfiguration
        {
            LabelNames = ["app", "model"],
            Buckets = Histogram.ExponentialBuckets(1, 2, 11), // 1 .. 1024
        });
        _modelSeconds = f.CreateHistogram("novaops_model_run_seconds", "Time of one ONNX Runtime call.", new HistogramConfiguration
        {
            LabelNames = ["app", "model"],
            Buckets = Histogram.ExponentialBuckets(0.00002, 2, 16), // 20 µs .. ~0.7 s
        });
        _shadowDifference = f.CreateHistogram("novaops_shadow_score_difference", "|shadow score - active score| per window.", new HistogramConfiguration
        {
            LabelNames = ["app", "active", "shadow"],
            Buckets = Histogram.LinearBuckets(0.05, 0.05, 19),
        });
        _shadowDisagreements = f.CreateCounter("novaops_shadow_disagreements_total",
            "Windows where the shadow model and the active model disagree on raising an anomaly.", ["app", "active", "shadow"]);
        _modelCpu = f.CreateCounter("novaops_model_cpu_seconds_total", "Thread CPU seconds spent scoring with a model.", ["app", "model"]);
        _modelOnnxCpu = f.CreateCounter("novaops_model_onnx_cpu_seconds_total", "Thread CPU seconds inside ONNX Runtime session runs (part of novaops_model_cpu_seconds_total).", ["app", "model"]);
        _modelRows = f.CreateCounter("novaops_model_rows_total", "Windows scored by a model.", ["app", "model"]);
        // The fleet as the SRE dashboards slice it: by region, zone and tenant (only tenants with anomalies or alarms
        // get series; windows are counted per zone, not per VM).
        _anomalies = f.CreateCounter("novaops_anomalies_total", "Anomalies raised, by region, zone, tenant and detector.", ["app", "region", "zone", "tenant", "detector"]);
        _alarms = f.CreateCounter("novaops_prediction_alarms_total", "Incident-predictor alarms (probability at the model's threshold), by region, zone and tenant.",
            ["app", "region", "zone", "tenant"]);
        _windows = f.CreateCounter("novaops_fleet_windows_total", "Per-VM feature windows closed, by region and zone: one per reporting VM per window.", ["app", "region", "zone"]);
        _pendingAtCommit = f.CreateCounter("novaops_model_windows_pending_at_commit_total",
            "Closed windows still waiting for the model when offsets were committed (kept in the VM state and scored after a restart).", ["app"]);
    }

    public Counter.Child ModelWindowsPendingAtCommit => _pendingAtCommit.WithLabels(App);

    /// <summary>CPU seconds the stream threads spent scoring with a model (ONNX Runtime, calibration, contributions).</summary>
    public Counter.Child ModelCpuSeconds(string model) => _modelCpu.WithLabels(App, model);

    public Counter.Child ModelOnnxCpuSeconds(string model) => _modelOnnxCpu.WithLabels(App, model);

    /// <summary>Windows (rows) a model scored.</summary>
    public Counter.Child ModelRows(string model) => _modelRows.WithLabels(App, model);

    public Histogram.Child ModelBatchSize(string model) => _batchSize.WithLabels(App, model);

    public Histogram.Child ModelRunSeconds(string model) => _modelSeconds.WithLabels(App, model);

    public Histogram.Child ShadowDifference(string active, string shadow) => _shadowDifference.WithLabels(App, active, shadow);

    public Counter.Child ShadowDisagreements(string active, string shadow) => _shadowDisagreements.WithLabels(App, active, shadow);

    public Counter.Child RecordsIn(string topic) => _in.WithLabels(App, topic);

    public Counter.Child Anomalies(string region, string zone, string tenant, string detector) => _anomalies.WithLabels(App, region, zone, tenant, detector);

    public Counter.Child PredictionAlarms(string region, string zone, string tenant) => _alarms.WithLabels(App, region, zone, tenant);

    public Counter.Child FleetWindows(string region, string zone) => _windows.WithLabels(App, region, zone);

    public Counter.Child RecordsOut(string topic) => _out.WithLabels(App, topic);

    public Counter.Child DeadLettered(string reason) => _deadLettered.WithLabels(App, reason);

    public Histogram.Child ProcessingLatency => _latency.WithLabels(App);

    public Histogram.Child AnomalyScore(string detector) => _score.WithLabels(App, detector);

    public void SetLag(string topic, int partition, long lag) => _lag.WithLabels(App, topic, partition.ToString()).Set(lag);

    /// <summary>Stops exporting the lag of a partition this instance no longer processes.</summary>
    public void RemoveLag(string topic, int partition) => _lag.RemoveLabelled(App, topic, partition.ToString());

    /// <summary>The partitions whose lag this instance exports.</summary>
    public IReadOnlyList<(string Topic, int Partition)> LagPartitions() =>
        [.. _lag.GetAllLabelValues().Where(l => l[0] == App).Select(l => (l[1], int.Parse(l[2])))];

    /// <summary>Windows this app closed, over regions and zones (for benchmarks: every one is scored).</summary>
    public double FleetWindowsTotal()
    {
        double total = 0;
        foreach (var labels in _windows.GetAllLabelValues())
            if (labels[0] == App) total += _windows.WithLabels(labels).Value;
        return total;
    }

    /// <summary>Sum of dead-lettered records over reasons (for summaries).</summary>
    public double DeadLetteredTotal()
    {
        double total = 0;
        foreach (var labels in _deadLettered.GetAllLabelValues())
            total += _deadLettered.WithLabels(labels).Value;
        return total;
    }
}
