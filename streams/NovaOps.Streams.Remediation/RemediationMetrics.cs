using NovaOps.Contracts;
using NovaOps.Observability;
using Prometheus;

namespace NovaOps.Streams.Remediation;

/// <summary>The executor's metrics, on the app's registry beside its pipeline metrics (records in/out, dead letters).</summary>
public sealed class RemediationMetrics
{
    private readonly Counter _decisions, _blocked;

    public RemediationMetrics(PipelineMetrics pipeline)
    {
        Pipeline = pipeline;
        var f = Metrics.WithCustomRegistry(pipeline.Registry);
        _decisions = f.CreateCounter("novaops_remediation_decisions_total", "Decisions of the remediation executor, by action and outcome (the actions topic, counted).",
            ["app", "action", "outcome"]);
        _blocked = f.CreateCounter("novaops_remediation_blocked_total", "Actions a guardrail stopped, by guardrail.", ["app", "guardrail"]);
        Active = f.CreateGauge("novaops_remediation_active", "Remediations running: acting, waiting for their check or for an approval.", ["app"]).WithLabels(pipeline.App);
    }

    public PipelineMetrics Pipeline { get; }
    public Gauge.Child Active { get; }

    public void Count(ActionRecord record)
    {
        _decisions.WithLabels(Pipeline.App, record.Kind.ToString(), record.Outcome.ToString()).Inc();
        if (record.Outcome == ActionOutcome.Blocked) _blocked.WithLabels(Pipeline.App, record.Guardrail).Inc();
    }
}
