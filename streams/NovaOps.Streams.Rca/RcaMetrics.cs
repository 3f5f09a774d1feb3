using NovaOps.Observability;
using Prometheus;

namespace NovaOps.Streams.Rca;

/// <summary>The RCA app's own metrics, on the app's registry beside its pipeline metrics.</summary>
public sealed class RcaMetrics
{
    public RcaMetrics(PipelineMetrics pipeline)
    {
        Pipeline = pipeline;
        var f = Metrics.WithCustomRegistry(pipeline.Registry);
        IncidentsOpen = f.CreateGauge("novaops_rca_incidents_open", "Incidents being analysed (anomalies grouped, not yet quiet).", ["app"]).WithLabels(pipeline.App);
        TimeToFirstRootCause = f.CreateHistogram("novaops_rca_time_to_first_root_cause_seconds",
            "Wall time from an incident's first anomaly reaching the RCA app to its first ranking.",
            new HistogramConfiguration { LabelNames = ["app"], Buckets = Histogram.ExponentialBuckets(0.05, 2, 12) }).WithLabels(pipeline.App);
        Rankings = f.CreateCounter("novaops_rca_rankings_total", "Root-cause rankings written, by whether the incident had closed.", ["app", "final"]);
    }

    public PipelineMetrics Pipeline { get; }
    public Gauge.Child IncidentsOpen { get; }
    public Histogram.Child TimeToFirstRootCause { get; }
    public Counter Rankings { get; }
}
