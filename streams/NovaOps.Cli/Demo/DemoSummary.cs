using System.Text.Json.Serialization;

namespace NovaOps.Cli.Demo;

/// <summary>
/// The demo's summary JSON. Precision counts alarm episodes (runs of anomalous windows of one VM), not windows; the
/// detection delay is from onset, and alarms during a precursor are early warnings, apart. Availability per tenant tier
/// is the simulated fleet's own account (<see cref="NovaOps.Simulator.Availability.AvailabilityLedger"/>): down
/// VM-seconds count fully, degraded ones half; harm is the down VM-seconds actions caused on VMs with no fault.
/// </summary>
public sealed record DemoSummary(
    [property: JsonPropertyName("events_in")] long EventsIn,
    [property: JsonPropertyName("events_sent")] long EventsSent,
    [property: JsonPropertyName("anomalies")] int Anomalies,
    [property: JsonPropertyName("alarm_episodes")] int AlarmEpisodes,
    [property: JsonPropertyName("faults_injected")] int FaultsInjected,
    [property: JsonPropertyName("faults_detected")] int FaultsDetected,
    [property: JsonPropertyName("precision")] double Precision,
    [property: JsonPropertyName("recall")] double Recall,
    [property: JsonPropertyName("median_detection_delay_s")] double? MedianDetectionDelaySeconds,
    [property: JsonPropertyName("early_warnings")] int EarlyWarnings,
    [property: JsonPropertyName("median_early_warning_lead_s")] double? MedianEarlyWarningLeadSeconds,
    [property: JsonPropertyName("dead_lettered")] long DeadLettered,
    [property: JsonPropertyName("vms")] int Vms,
    [property: JsonPropertyName("simulated_minutes")] double SimulatedMinutes,
    [property: JsonPropertyName("wall_seconds")] double WallSeconds,
    [property: JsonPropertyName("seed")] int Seed,
    [property: JsonPropertyName("training_seed")] bool TrainingSeed,
    [property: JsonPropertyName("detector")] string Detector,
    [property: JsonPropertyName("predictions")] int Predictions,
    [property: JsonPropertyName("incident_precision")] double? IncidentPrecision,
    [property: JsonPropertyName("incident_alarms_during_incidents")] int? IncidentAlarmsDuringIncidents,
    [property: JsonPropertyName("incident_recall")] double? IncidentRecall,
    [property: JsonPropertyName("incident_recall_with_precursor")] double? IncidentRecallWithPrecursor,
    [property: JsonPropertyName("median_lead_time_s")] double? MedianLeadTimeSeconds,
    [property: JsonPropertyName("incident_model")] string? IncidentModel,
    [property: JsonPropertyName("rca_incidents")] int RcaIncidents,
    [property: JsonPropertyName("rca_unmatched_incidents")] int RcaUnmatchedIncidents,
    [property: JsonPropertyName("rca_faults_covered")] int RcaFaultsCovered,
    [property: JsonPropertyName("rca_top1")] double? RcaTop1,
    [property: JsonPropertyName("rca_top3")] double? RcaTop3,
    [property: JsonPropertyName("rca_method")] string RcaMethod,
    [property: JsonPropertyName("remediation")] string Remediation,
    [property: JsonPropertyName("actions_executed")] int ActionsExecuted,
    [property: JsonPropertyName("actions_blocked_by_guardrails")] int ActionsBlockedByGuardrails,
    [property: JsonPropertyName("approvals_requested")] int ApprovalsRequested,
    [property: JsonPropertyName("pages")] int Pages,
    [property: JsonPropertyName("faults_resolved_by_actions")] int FaultsResolvedByActions,
    [property: JsonPropertyName("faults_prevented")] int FaultsPrevented,
    [property: JsonPropertyName("mttr_median_s")] double? MttrMedianSeconds,
    [property: JsonPropertyName("automation_rate")] double? AutomationRate,
    [property: JsonPropertyName("availability")] IReadOnlyDictionary<string, double> Availability,
    [property: JsonPropertyName("nines")] IReadOnlyDictionary<string, double> Nines,
    [property: JsonPropertyName("impaired_vm_seconds")] double ImpairedVmSeconds,
    [property: JsonPropertyName("harm_vm_seconds")] double HarmVmSeconds,
    [property: JsonPropertyName("impaired_by_cause")] IReadOnlyDictionary<string, double> ImpairedByCause,
    [property: JsonPropertyName("actions_failed")] long ActionsFailed,
    [property: JsonPropertyName("decide_p50_s")] double? DecideP50Seconds,
    [property: JsonPropertyName("decide_p99_s")] double? DecideP99Seconds,
    [property: JsonPropertyName("clock_stalls")] long ClockStalls);
