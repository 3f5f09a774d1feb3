using Google.Protobuf;
using NovaOps.Contracts;

namespace NovaOps.Chaos.Fuzzing;

/// <summary>
/// One input topic's decoder under fuzzing: a valid record to mutate, and what the topic's consumers do with bytes
/// before they act on them (null: usable; otherwise the reject code and reason they dead-letter it with).
/// </summary>
public sealed record FuzzTarget(string Topic, string Consumers, byte[] Valid, Func<byte[], (string Code, string Reason)?> Decode);

/// <summary>The decoder of every topic a NovaOps service reads, each with a typical valid record.</summary>
public static class FuzzTargets
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<FuzzTarget> All(TopicNames topics)
    {
        // A fixed clock: a mutated timestamp is judged the same way on every run.
        var telemetry = new TelemetryCodec(new TelemetryValidationOptions(), new FixedClock(Now));
        long at = Now.AddMinutes(-1).ToUnixTimeMilliseconds();
        return
        [
            new(topics.Telemetry, "anomaly app, executor, history sink", new TelemetrySample
            {
                SchemaVersion = SchemaVersions.Telemetry, TenantId = "t-17", TenantTier = TenantTier.Gold, Region = "eu-west", Zone = "eu-west-a",
                Host = "h-0042", VmId = "vm-004217", TimestampMs = at, CpuUtil = 41.5, MemUtil = 63.2, DiskUtil = 22.0, DiskIoWait = 1.5,
                NetRxBytes = 120_000, NetTxBytes = 80_000, LatencyP99Ms = 35, ErrorRate = 0.001,
            }.ToByteArray(), v => telemetry.Decode(v) is { IsValid: false } r ? (r.ReasonCode!, r.Reason!) : null),
            Of(topics.Anomalies, "RCA app, executor, history sink", RecordDecoders.Anomaly, new AnomalyEvent
            {
                SchemaVersion = SchemaVersions.Anomaly, VmId = "vm-004217", TenantId = "t-17", Region = "eu-west", Zone = "eu-west-a", Host = "h-0042",
                WindowStartMs = at - 60_000, WindowEndMs = at, Score = 0.97, Detector = "statistical-robust-z/1", Samples = 6,
                Contributions = { new MetricContribution { Metric = MetricNames.CpuUtil, WindowMean = 97, WindowMax = 99, RobustZ = 9.5, Contribution = 0.8 } },
            }),
            Of(topics.Predictions, "RCA app, executor, placement, history sink", RecordDecoders.Prediction, new PredictionEvent
            {
                SchemaVersion = SchemaVersions.Prediction, VmId = "vm-004217", Region = "eu-west", Zone = "eu-west-a", Host = "h-0042",
                WindowEndMs = at, HorizonMs = 900_000, Probability = 0.91, Alarm = true, Model = "incident-gru/1",
            }),
            Of(topics.RootCauses, "executor, history sink", RecordDecoders.RootCause, new RootCauseEvent
            {
                SchemaVersion = SchemaVersions.RootCause, IncidentId = "inc-7", Region = "eu-west", FirstAnomalyMs = at - 120_000, LastAnomalyMs = at,
                AnomalousVms = { "vm-004217", "vm-004218" }, Method = "combined", Version = "1", AnalysedMs = at,
                Candidates = { new RootCauseCandidate { Node = "h-0042", Kind = NodeKind.Host, Score = 0.8, Magnitude = 7.5 } },
            }),
            Of(topics.Actions, "history sink, executor (replay)", RecordDecoders.Action, new ActionRecord
            {
                SchemaVersion = SchemaVersions.Action, ActionId = "prediction:vm-004217:1/0", IdempotencyKey = "prediction:vm-004217:1", Trigger = "prediction",
                Runbook = "restart-on-predicted-failure", Kind = ActionKind.RestartVm, Target = "vm-004217", TargetKind = NodeKind.Vm, Zone = "eu-west-a",
                Host = "h-0042", TenantId = "t-17", Confidence = 0.91, Outcome = ActionOutcome.Executed, AtMs = at, Attempts = 1, VmsTouched = 1,
            }),
            Of(topics.Approvals, "executor", RecordDecoders.Approval, new ApprovalRecord
            {
                SchemaVersion = SchemaVersions.Approval, ActionId = "root_cause:inc-7/0", Approved = true, Approver = "sre-on-call", Comment = "go",
            }),
            Of(topics.Topology, "RCA app (global table)", RecordDecoders.Topology, new TopologyRecord
            {
                SchemaVersion = SchemaVersions.Topology, Node = "vm-004217", Kind = NodeKind.Vm, DependsOn = { "h-0042", "svc-db" }, UpdatedMs = at,
            }),
            new(topics.Hosts, "placement (live and start-up replay)", new HostRecord
            {
                SchemaVersion = SchemaVersions.Host, Host = "h-0042", Region = "eu-west", Zone = "eu-west-a", FaultDomain = "rack-4", Vcpu = 64,
                MemoryGb = 256, DiskGb = 2000, Tags = { "ssd", "pci" }, Tiers = { TenantTier.Platinum, TenantTier.Gold },
            }.ToByteArray(), v => Reject(HostRecordCheck.Decode(v))),
            Of(topics.PlacementRequests, "placement", RecordDecoders.PlacementRequest, new PlacementRequest
            {
                SchemaVersion = SchemaVersions.Placement, RequestId = "req-1", VmId = "vm-009001", TenantId = "t-17", TenantTier = TenantTier.Gold,
                Vcpu = 4, MemoryGb = 16, DiskGb = 100, Region = "eu-west", AntiAffinityGroup = "web", RequiredTags = { "ssd" },
            }),
            Of(topics.PlacementResponses, "placement (start-up replay)", RecordDecoders.PlacementResponse, new PlacementResponse
            {
                SchemaVersion = SchemaVersions.Placement, RequestId = "req-1", VmId = "vm-009001", Placed = true, Host = "h-0042", Zone = "eu-west-a", DecidedAtMs = at,
                Request = new PlacementRequest { SchemaVersion = SchemaVersions.Placement, VmId = "vm-009001", Vcpu = 4, MemoryGb = 16, DiskGb = 100 },
            }),
            Of(topics.FailoverRequests, "placement", RecordDecoders.FailoverRequest, new FailoverRequest
            {
                SchemaVersion = SchemaVersions.Failover, RequestId = "operator:1", Scope = NodeKind.Zone, Target = "eu-west-a", Reason = "power", RequestedAtMs = at,
            }),
            Of(topics.FailoverPlans, "executor, placement (start-up replay)", RecordDecoders.FailoverPlan, new EvacuationPlanRecord
            {
                SchemaVersion = SchemaVersions.Failover, PlanId = "operator:1", Scope = "zone eu-west-a", FailingHosts = { "h-0042" }, PlanMs = 12.5, PlannedAtMs = at,
                Moves = { new PlannedMove { VmId = "vm-004217", Tier = TenantTier.Gold, FromHost = "h-0042", ToHost = "h-0100", ToZone = "eu-west-b" } },
            }),
            Of(topics.FaultLabels, "recorder, evaluation", RecordDecoders.FaultLabel, new FaultLabel
            {
                SchemaVersion = SchemaVersions.FaultLabel, FaultId = "f-3", Kind = FaultKind.CpuRunaway, Scope = FaultScope.Vm, RootCause = "vm-004217", Region = "eu-west",
            }),
        ];
    }

    private static FuzzTarget Of<T>(string topic, string consumers, RecordDecoder<T> decoder, T valid) where T : class, IMessage<T> =>
        new(topic, consumers, valid.ToByteArray(), v => Reject(decoder.Decode(v)));

    private static (string Code, string Reason)? Reject<T>(Decoded<T> d) where T : class => d.IsValid ? null : (d.Code!, d.Reason!);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
