using System.Text;
using Google.Protobuf;
using NovaOps.Contracts;

namespace NovaOps.Contracts.Tests;

public class TelemetryCodecTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);
    private readonly TelemetryCodec _codec = new(new TelemetryValidationOptions(), new FixedClock(Now));

    internal static TelemetrySample Valid() => new()
    {
        SchemaVersion = SchemaVersions.Telemetry,
        TenantId = "tenant-1", TenantTier = TenantTier.Gold, Region = "eu-west", Zone = "eu-west-a", Host = "h1", VmId = "vm-1",
        TimestampMs = Now.ToUnixTimeMilliseconds() - 1000,
        CpuUtil = 42, MemUtil = 60, DiskUtil = 30, DiskIoWait = 2, NetRxBytes = 1e6, NetTxBytes = 5e5, LatencyP99Ms = 80, ErrorRate = 0.001,
    };

    [Fact]
    public void Protobuf_round_trip_is_valid()
    {
        var r = _codec.Decode(Valid().ToByteArray(), "vm-1");
        Assert.True(r.IsValid, r.Reason);
        Assert.Equal(42, r.Sample!.CpuUtil);
    }

    [Fact]
    public void Json_is_accepted_at_the_edges()
    {
        string json = TelemetryCodec.EncodeJson(Valid());
        var r = _codec.Decode(Encoding.UTF8.GetBytes(json), "vm-1");
        Assert.True(r.IsValid, r.Reason);
        Assert.Equal("eu-west-a", r.Sample!.Zone);
    }

    [Fact]
    public void Missing_metric_is_not_a_zero()
    {
        var s = Valid();
        s.ClearErrorRate();
        Span<double> v = stackalloc double[MetricNames.Count];
        _codec.Decode(s.ToByteArray()).Sample!.CopyStandardMetrics(v);
        Assert.True(double.IsNaN(v[7]));
        Assert.Equal(42, v[0]);
    }

    public static TheoryData<string, Func<byte[]>> BadInputs() => new()
    {
        { RejectReasons.Malformed, () => [0xFF, 0xFF, 0xFF, 0x01] },
        { RejectReasons.Malformed, () => [] },
        { RejectReasons.Malformed, () => Encoding.UTF8.GetBytes("{\"vmId\": ") },
        { RejectReasons.UnknownSchemaVersion, () => With(s => s.SchemaVersion = 99) },
        { RejectReasons.MissingField, () => With(s => s.SchemaVersion = 0) },
        { RejectReasons.MissingField, () => With(s => s.VmId = "") },
        { RejectReasons.OutOfRange, () => With(s => s.CpuUtil = -5) },
        { RejectReasons.OutOfRange, () => With(s => s.MemUtil = 100.5) },
        { RejectReasons.OutOfRange, () => With(s => s.ErrorRate = 2) },
        { RejectReasons.OutOfRange, () => With(s => s.NetRxBytes = -1) },
        { RejectReasons.NotFinite, () => With(s => s.MemUtil = double.NaN) },
        { RejectReasons.NotFinite, () => With(s => s.LatencyP99Ms = double.PositiveInfinity) },
        { RejectReasons.NotFinite, () => With(s => s.Extra["gpu_util"] = double.NaN) },
        { RejectReasons.FutureTimestamp, () => With(s => s.TimestampMs = Now.AddHours(1).ToUnixTimeMilliseconds()) },
        { RejectReasons.FutureTimestamp, () => With(s => s.TimestampMs = 29_427_733_944_464_288) }, // past year 9999 (found by fuzzing: it threw)
        { RejectReasons.OutOfRange, () => [.. Enumerable.Repeat(With(_ => { }), RecordLimits.MaxBytes / With(_ => { }).Length + 2).SelectMany(b => b)] },
        { RejectReasons.KeyMismatch, () => With(s => s.VmId = "vm-2") },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_rejected_with_its_reason(string expectedCode, Func<byte[]> value)
    {
        var r = _codec.Decode(value(), "vm-1");
        Assert.False(r.IsValid);
        Assert.Equal(expectedCode, r.ReasonCode);
        Assert.False(string.IsNullOrWhiteSpace(r.Reason));
    }

    [Fact]
    public void Dead_letter_keeps_original_bytes_and_origin()
    {
        byte[] value = [1, 2, 3];
        var d = DeadLetters.Create("anomaly", RejectReasons.Malformed, "bad", "eu-west.telemetry", 3, 1234, "vm-1"u8, value, 99);
        var back = DeadLetter.Parser.ParseFrom(d.ToByteArray());
        Assert.Equal(value, back.OriginalValue.ToByteArray());
        Assert.Equal("vm-1", back.OriginalKey.ToStringUtf8());
        Assert.Equal((3, 1234L, "eu-west.telemetry"), (back.SourcePartition, back.SourceOffset, back.SourceTopic));
        Assert.Equal(SchemaVersions.DeadLetter, back.SchemaVersion);
    }

    [Fact]
    public void Topic_names_carry_the_region_prefix()
    {
        var t = new TopicNames("eu-west");
        Assert.Equal("eu-west.telemetry", t.Telemetry);
        Assert.Equal("eu-west.dead-letter", t.DeadLetter);
        Assert.Equal("anomalies", new TopicNames("").Anomalies);
        Assert.Equal("eu-west.predictions", t.Predictions);
        Assert.Equal("eu-west.topology", t.Topology);
        Assert.Equal("eu-west.root-causes", t.RootCauses);
        Assert.Equal("eu-west.actions", t.Actions);
        Assert.Equal("eu-west.approvals", t.Approvals);
        Assert.Equal("eu-west.fleet-commands", t.FleetCommands);
        Assert.Equal("eu-west.placement-requests", t.PlacementRequests);
        Assert.Equal("eu-west.failover-plans", t.FailoverPlans);
        Assert.Equal(15, t.All.Distinct().Count());
    }

    private static byte[] With(Action<TelemetrySample> change)
    {
        var s = Valid();
        change(s);
        return s.ToByteArray();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
