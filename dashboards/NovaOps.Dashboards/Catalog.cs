namespace NovaOps.Dashboards;

/// <summary>
/// The dashboards NovaOps ships: what an SRE of a region looks at, top-down (fleet → detection → prediction → root
/// causes → acting → placement → the pipeline itself). The fleet panels read the recorded series of
/// <c>rules/novaops.rules.yml</c>; every query is run against a real Prometheus by the test suite.
/// </summary>
public static class Catalog
{
    private const string Fleet = "region=~\"$region\", zone=~\"$zone\"";
    private const string FleetTenant = "region=~\"$region\", zone=~\"$zone\", tenant=~\"$tenant\"";

    private static readonly Variable Region = new("region", "Region", "label_values(novaops_fleet_windows_total, region)");
    private static readonly Variable Zone = new("zone", "Zone", "label_values(novaops_fleet_windows_total{region=~\"$region\"}, zone)");
    private static readonly Variable Tenant = new("tenant", "Tenant", "label_values(novaops_anomalies_total{region=~\"$region\", zone=~\"$zone\"}, tenant)");
    private static readonly Variable App = new("app", "App", "label_values(novaops_records_in_total, app)");

    public static IReadOnlyList<Dashboard> All =>
        [FleetOverview, Anomalies, Predictions, RootCauses, Remediation, PlacementAndFailover, PipelineHealth];

    public static Dashboard FleetOverview => new("novaops-fleet", "NovaOps / Fleet overview",
        "The region's fleet by zone and tenant: who reports, where anomalies and incident alarms are, what is being done about them.",
        [Region, Zone, Tenant],
        [
            new("Now", [
                new("VM windows closed /s", "stat", [new($"sum(novaops:fleet_windows:rate5m{{{Fleet}}})")], "ops", 6, 4,
                    "One per reporting VM per window: falls when VMs stop reporting."),
                new("Anomalies /min", "stat", [new($"sum(novaops:anomalies:rate5m{{{FleetTenant}}}) * 60")], "short", 6, 4),
                new("Incident alarms /h", "stat", [new($"sum(novaops:prediction_alarms:rate15m{{{FleetTenant}}}) * 3600")], "short", 6, 4),
                new("NovaOps alerts firing", "stat", [new("count(ALERTS{alertname=~\"NovaOps.*\", alertstate=\"firing\"}) or vector(0)")], "none", 6, 4),
            ]),
            new("By zone", [
                new("VM windows closed /s by zone", "timeseries", [new($"novaops:fleet_windows:rate5m{{{Fleet}}}", "{{zone}}")], "ops"),
                new("Share of windows raising anomalies", "timeseries", [new($"novaops:anomalies_per_window:ratio5m{{{Fleet}}}", "{{zone}}")], "percentunit",
                    Description: "Above 5% for 5 minutes fires NovaOpsZoneAnomalyBurst: a zone-wide cause."),
                new("Incident alarms /h by zone", "timeseries", [new($"sum by (zone) (novaops:prediction_alarms:rate15m{{{FleetTenant}}}) * 3600", "{{zone}}")], "short"),
                new("Remediations running", "timeseries", [new("sum(novaops_remediation_active)", "running")], "short"),
            ]),
            new("By tenant", [
                new("Tenants with the most anomalies (/min)", "bargauge", [new($"topk(10, sum by (tenant) (novaops:anomalies:rate5m{{{FleetTenant}}}) * 60)", "{{tenant}}")], "short"),
                new("Tenants with the most incident alarms (/h)", "bargauge", [new($"topk(10, sum by (tenant) (novaops:prediction_alarms:rate15m{{{FleetTenant}}}) * 3600)", "{{tenant}}")], "short"),
            ]),
        ]);

    public static Dashboard Anomalies => new("novaops-anomalies", "NovaOps / Anomalies",
        "What the anomaly detectors raise, where, and how the models behave inside the topology.",
        [Region, Zone, Tenant],
        [
            new("Anomalies", [
                new("Anomalies /min by zone", "timeseries", [new($"sum by (zone) (rate(novaops_anomalies_total{{{FleetTenant}}}[$__rate_interval])) * 60", "{{zone}}")], "short", Stacked: true),
                new("Anomalies /min by detector", "timeseries", [new($"sum by (detector) (rate(novaops_anomalies_total{{{FleetTenant}}}[$__rate_interval])) * 60", "{{detector}}")], "short"),
                new("Anomalies in the range, by tenant", "table", [new($"sort_desc(sum by (tenant, zone) (increase(novaops_anomalies_total{{{FleetTenant}}}[$__range])))")], "short"),
                new("Score distribution of closed windows", "heatmap", [new("sum by (le) (rate(novaops_anomaly_score_bucket[$__rate_interval]))", "{{le}}")], "short",
                    Description: "Scores of every closed window, per detector's calibration: mass near 1 is what raises anomalies."),
            ]),
            new("Models in the topology", [
                new("Windows scored /s by model", "timeseries", [new("sum by (model) (rate(novaops_model_rows_total[$__rate_interval]))", "{{model}}")], "ops", 8),
                new("Micro-batch size (mean)", "timeseries", [new("sum by (model) (rate(novaops_model_batch_size_sum[$__rate_interval])) / sum by (model) (rate(novaops_model_batch_size_count[$__rate_interval]))", "{{model}}")], "short", 8),
                new("ONNX Runtime call p99", "timeseries", [new("histogram_quantile(0.99, sum by (model, le) (rate(novaops_model_run_seconds_bucket[$__rate_interval])))", "{{model}}")], "s", 8),
            ]),
        ]);

    public static Dashboard Predictions => new("novaops-predictions", "NovaOps / Incident predictions",
        "The incident predictor's alarms: which zones and tenants are expected to have an incident within the horizon.",
        [Region, Zone, Tenant],
        [
            new("Alarms", [
                new("Incident alarms /h by zone", "timeseries", [new($"sum by (zone) (novaops:prediction_alarms:rate15m{{{FleetTenant}}}) * 3600", "{{zone}}")], "short", Stacked: true),
                new("Predictions written /s", "timeseries", [new("sum by (app) (rate(novaops_records_out_total{topic=~\".*predictions\"}[$__rate_interval]))", "{{app}}")], "ops"),
                new("Alarms in the range, by tenant", "table", [new($"sort_desc(sum by (tenant, zone) (increase(novaops_prediction_alarms_total{{{FleetTenant}}}[$__range])))")], "short", 24),
            ]),
        ]);

    public static Dashboard RootCauses => new("novaops-root-causes", "NovaOps / Root causes",
        "Incidents the RCA app groups from anomalies and alarms, and how fast it names a root cause.",
        [],
        [
            new("Incidents", [
                new("Incidents open", "stat", [new("sum(novaops_rca_incidents_open)")], "short", 6, 6),
                new("Rankings /min", "timeseries", [new("sum by (final) (rate(novaops_rca_rankings_total[$__rate_interval])) * 60", "final={{final}}")], "short", 9, 6),
                new("Time to the first root cause", "timeseries", [
                    new("histogram_quantile(0.5, sum by (le) (rate(novaops_rca_time_to_first_root_cause_seconds_bucket[$__rate_interval])))", "p50"),
                    new("histogram_quantile(0.9, sum by (le) (rate(novaops_rca_time_to_first_root_cause_seconds_bucket[$__rate_interval])))", "p90"),
                ], "s", 9, 6),
                new("Root causes written /min", "timeseries", [new("sum(rate(novaops_records_out_total{topic=~\".*root-causes\"}[$__rate_interval])) * 60", "root causes")], "short", 24, 6),
            ]),
        ]);

    public static Dashboard Remediation => new("novaops-remediation", "NovaOps / Remediation and guardrails",
        "What the remediation executor decides (executed, blocked and by which guardrail, awaiting approval, verified, escalated).",
        [],
        [
            new("Decisions", [
                new("Decisions /min by outcome", "timeseries", [new("sum by (outcome) (novaops:remediation_decisions:rate5m) * 60", "{{outcome}}")], "short", Stacked: true),
                new("Actions executed /min by kind", "timeseries", [new("sum by (action) (novaops:remediation_decisions:rate5m{outcome=\"Executed\"}) * 60", "{{action}}")], "short"),
                new("Blocked /min by guardrail", "timeseries", [new("sum by (guardrail) (novaops:remediation_blocked:rate5m) * 60", "{{guardrail}}")], "short"),
                new("Remediations running", "stat", [new("sum(novaops_remediation_active)")], "short", 6),
                new("Awaiting approval in the range", "stat", [new("sum(increase(novaops_remediation_decisions_total{outcome=\"AwaitingApproval\"}[$__range])) or vector(0)")], "short", 6),
            ]),
        ]);

    public static Dashboard PlacementAndFailover => new("novaops-placement", "NovaOps / Placement and failover",
        "The placement service's decisions, and the evacuation plans it computes for failing hosts and zones.",
        [],
        [
            new("Placement", [
                new("Placement decisions /min by outcome", "timeseries", [new("sum by (outcome) (novaops:placement_decisions:rate5m) * 60", "{{outcome}}")], "short", 24),
            ]),
            new("Failover", [
                new("Evacuation plans in the range", "stat", [new("sum by (outcome) (increase(novaops_failover_plans_total[$__range]))", "{{outcome}}")], "short"),
                new("Plan time p99 (1 h)", "stat", [new("novaops:failover_plan_seconds:p99_1h")], "s"),
                new("Live migrations of plans /min", "timeseries", [new("sum(novaops:remediation_decisions:rate5m{action=\"LiveMigrate\"}) * 60", "live migrations")], "short", 24),
            ]),
        ]);

    public static Dashboard PipelineHealth => new("novaops-pipeline", "NovaOps / Pipeline health",
        "The stream apps themselves: throughput, dead letters, consumer lag, latency, and whether Prometheus reaches them.",
        [App],
        [
            new("Throughput", [
                new("Records in /s", "timeseries", [new("sum by (app, topic) (novaops:records_in:rate1m{app=~\"$app\"})", "{{app}} ← {{topic}}")], "ops"),
                new("Records out /s", "timeseries", [new("sum by (app, topic) (novaops:records_out:rate1m{app=~\"$app\"})", "{{app}} → {{topic}}")], "ops"),
            ]),
            new("Errors and delay", [
                new("Dead-lettered /s by reason", "timeseries", [new("sum by (app, reason) (novaops:dead_lettered:rate5m{app=~\"$app\"})", "{{app}}: {{reason}}")], "ops", 8),
                new("Dead-lettered share of input", "timeseries", [new("novaops:dead_letter_ratio:rate5m{app=~\"$app\"}", "{{app}}")], "percentunit", 8,
                    Description: "Above 1% for 10 minutes fires NovaOpsDeadLetterRatioHigh."),
                new("Consumer lag (records)", "timeseries", [new("sum by (app, topic) (novaops_consumer_lag_records{app=~\"$app\"})", "{{app}} {{topic}}")], "short", 8),
                new("Processing latency", "timeseries", [
                    new("novaops:processing_latency_seconds:p50_5m{app=~\"$app\"}", "{{app}} p50"),
                    new("novaops:processing_latency_seconds:p99_5m{app=~\"$app\"}", "{{app}} p99"),
                ], "s", 12),
                new("Endpoints up", "timeseries", [new("up{job=~\"novaops.*\"}", "{{job}} {{instance}}")], "none", 12),
            ]),
        ]);
}
