using NovaOps.Ingest.RemoteWrite;

namespace NovaOps.Ingest.Tests;

public class SeriesMappingTests
{
    private static readonly SeriesMapping Mapping = new(new SeriesMappingOptions { DefaultRegion = "eu-west", DefaultZone = "eu-west-a" });

    [Fact]
    public void A_vms_series_at_one_time_make_one_sample_with_its_labels()
    {
        (string, string)[] vm1 = [("instance", "10.0.0.1:9100"), ("tenant", "acme"), ("zone", "eu-west-b")];
        var request = RemoteWriteDecoder.Decode(Writes.Body(
            Writes.Series("novaops_vm_cpu_util_percent", vm1, (42, 1000), (43, 16000)),
            Writes.Series("novaops_vm_mem_util_percent", vm1, (61, 1000)),
            Writes.Series("novaops_vm_cpu_util_percent", [("instance", "10.0.0.2:9100")], (7, 1000)),
            Writes.Series("node_load1", vm1, (1.5, 1000)),                                          // not mapped
            Writes.Series("novaops_vm_cpu_util_percent", [("job", "x")], (1, 1000)),                  // no VM label
            Writes.Series("novaops_vm_net_rx_bytes_per_second", vm1, (BitConverter.UInt64BitsToDouble(0x7ff0000000000002), 16000))), // stale marker
            1 << 20);

        var mapped = Mapping.Map(request);
        Assert.Equal((1, 1, 1), (mapped.SeriesUnmapped, mapped.SeriesWithoutVm, mapped.StaleSamples));
        Assert.Equal(3, mapped.Samples.Count);
        var first = mapped.Samples.Single(s => s.VmId == "10.0.0.1" && s.TimestampMs == 1000);
        Assert.Equal((42.0, 61.0, "acme", "eu-west", "eu-west-b"), (first.CpuUtil, first.MemUtil, first.TenantId, first.Region, first.Zone));
        Assert.False(first.HasDiskUtil); // not measured stays unset, not 0
        var later = mapped.Samples.Single(s => s.VmId == "10.0.0.1" && s.TimestampMs == 16000);
        Assert.Equal(43.0, later.CpuUtil);
        Assert.False(later.HasNetRxBytes);
        Assert.Equal("unknown", mapped.Samples.Single(s => s.VmId == "10.0.0.2").TenantId);
    }

    [Fact]
    public void Unreadable_bodies_are_refused_with_the_reason()
    {
        var garbage = Assert.Throws<RemoteWriteException>(() => RemoteWriteDecoder.Decode("definitely not snappy"u8, 1 << 20));
        Assert.Equal(400, garbage.Status);
        var notProtobuf = Assert.Throws<RemoteWriteException>(() => RemoteWriteDecoder.Decode(Snappier.Snappy.CompressToArray([0x0A, 0xFF, 0xFF, 0xFF]), 1 << 20));
        Assert.Equal(400, notProtobuf.Status);
        Assert.Contains("WriteRequest", notProtobuf.Message);
        var bomb = Assert.Throws<RemoteWriteException>(() => RemoteWriteDecoder.Decode(Snappier.Snappy.CompressToArray(new byte[1 << 20]), 1 << 10));
        Assert.Equal(413, bomb.Status);
    }
}
