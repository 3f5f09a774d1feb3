using Google.Protobuf;

namespace NovaOps.Contracts;

/// <summary>A record read off a topic: the message, or why it cannot be used (a reject code and a reason for the dead letter).</summary>
public readonly record struct Decoded<T>(T? Record, string? Code, string? Reason) where T : class
{
    public bool IsValid => Record is not null;

    public static Decoded<T> Reject(string code, string reason) => new(null, code, reason);
}

public static class RecordLimits
{
    /// <summary>The largest record any NovaOps topic carries (the brokers' default message.max.bytes): a larger one is refused before it is parsed.</summary>
    public const int MaxBytes = 1_048_576;
}

/// <summary>
/// How a service reads one kind of protobuf record off a topic: the bytes parsed, the schema version and the record's
/// id checked. Never throws for bad input: whatever the bytes, the answer is the record or a reason, so a consumer can
/// dead-letter it and go on (also when it meets it again, e.g. replaying a compacted topic at its next start).
/// </summary>
public sealed class RecordDecoder<T>(MessageParser<T> parser, uint supportedVersion, Func<T, uint> version, Func<T, string> id, string idField)
    where T : class, IMessage<T>
{
    private readonly string _name = typeof(T).Name;

    public Decoded<T> Decode(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty) return Decoded<T>.Reject(RejectReasons.Malformed, $"empty value: not a {_name}");
        if (value.Length > RecordLimits.MaxBytes) return Decoded<T>.Reject(RejectReasons.OutOfRange, $"{value.Length:N0} bytes: larger than the {RecordLimits.MaxBytes:N0} a {_name} may be");
        T record;
        try { record = parser.ParseFrom(value); }
        catch (InvalidProtocolBufferException e) { return Decoded<T>.Reject(RejectReasons.Malformed, $"not a {_name}: {e.Message}"); }
        // A missing version (0) is read as the first: these records are written by NovaOps services, unlike telemetry.
        uint v = version(record);
        if (v > supportedVersion) return Decoded<T>.Reject(RejectReasons.UnknownSchemaVersion, $"{_name} schema version {v} is newer than the supported {supportedVersion}");
        if (string.IsNullOrEmpty(id(record))) return Decoded<T>.Reject(RejectReasons.MissingField, $"{_name} without its {idField}");
        return new Decoded<T>(record, null, null);
    }
}

/// <summary>The decoder of each record kind a NovaOps service reads.</summary>
public static class RecordDecoders
{
    public static readonly RecordDecoder<AnomalyEvent> Anomaly = new(AnomalyEvent.Parser, SchemaVersions.Anomaly, r => r.SchemaVersion, r => r.VmId, "vm_id");
    public static readonly RecordDecoder<PredictionEvent> Prediction = new(PredictionEvent.Parser, SchemaVersions.Prediction, r => r.SchemaVersion, r => r.VmId, "vm_id");
    public static readonly RecordDecoder<RootCauseEvent> RootCause = new(RootCauseEvent.Parser, SchemaVersions.RootCause, r => r.SchemaVersion, r => r.IncidentId, "incident_id");
    public static readonly RecordDecoder<ActionRecord> Action = new(ActionRecord.Parser, SchemaVersions.Action, r => r.SchemaVersion, r => r.ActionId, "action_id");
    public static readonly RecordDecoder<ApprovalRecord> Approval = new(ApprovalRecord.Parser, SchemaVersions.Approval, r => r.SchemaVersion, r => r.ActionId, "action_id");
    public static readonly RecordDecoder<TopologyRecord> Topology = new(TopologyRecord.Parser, SchemaVersions.Topology, r => r.SchemaVersion, r => r.Node, "node");
    public static readonly RecordDecoder<HostRecord> Host = new(HostRecord.Parser, SchemaVersions.Host, r => r.SchemaVersion, r => r.Host, "host");
    public static readonly RecordDecoder<PlacementRequest> PlacementRequest = new(Contracts.PlacementRequest.Parser, SchemaVersions.Placement, r => r.SchemaVersion, r => r.VmId, "vm_id");
    public static readonly RecordDecoder<PlacementResponse> PlacementResponse = new(Contracts.PlacementResponse.Parser, SchemaVersions.Placement, r => r.SchemaVersion, r => r.VmId, "vm_id");
    public static readonly RecordDecoder<FailoverRequest> FailoverRequest = new(Contracts.FailoverRequest.Parser, SchemaVersions.Failover, r => r.SchemaVersion, r => r.RequestId, "request_id");
    public static readonly RecordDecoder<EvacuationPlanRecord> FailoverPlan = new(EvacuationPlanRecord.Parser, SchemaVersions.Failover, r => r.SchemaVersion, r => r.PlanId, "plan_id");
    public static readonly RecordDecoder<DeadLetter> DeadLetter = new(Contracts.DeadLetter.Parser, SchemaVersions.DeadLetter, r => r.SchemaVersion, r => r.SourceTopic, "source_topic");
    public static readonly RecordDecoder<FaultLabel> FaultLabel = new(Contracts.FaultLabel.Parser, SchemaVersions.FaultLabel, r => r.SchemaVersion, r => r.FaultId, "fault_id");
}
