using Google.Protobuf;
using NovaOps.Contracts;

namespace NovaOps.Streams.Tests;

/// <summary>Hand-made telemetry for topology tests: a few VMs, steady load, and a spike where asked.</summary>
internal static class Telemetry
{
    /// <summary>Well in the past (validation rejects the future), aligned to a minute.</summary>
    public static readonly long Start = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 6 * 3_600_000) / 60_000 * 60_000;

    public static TelemetrySample Sample(string vm, long timestampMs, double cpu, double mem = 50) => new()
    {
        SchemaVersion = SchemaVersions.Telemetry,
        TenantId = "tenant-1", TenantTier = TenantTier.Gold, Region = "eu-west", Zone = "eu-west-a", Host = "host-1",
        VmId = vm, TimestampMs = timestampMs,
        CpuUtil = cpu, MemUtil = mem, DiskUtil = 30, DiskIoWait = 2, NetRxBytes = 1e6, NetTxBytes = 5e5, LatencyP99Ms = 80, ErrorRate = 0.001,
    };

    /// <summary>
    /// Samples of <paramref name="vms"/> VMs every <paramref name="stepSeconds"/> s for windows
    /// [<paramref name="fromWindow"/>, <paramref name="toWindow"/>); the VM <paramref name="spikeVm"/> runs hot in
    /// window <paramref name="spikeWindow"/>.
    /// </summary>
    public static IEnumerable<(string Key, byte[] Value)> Steady(int vms, int fromWindow, int toWindow, int stepSeconds = 20,
        string? spikeVm = null, int spikeWindow = -1)
    {
        for (int w = fromWindow; w < toWindow; w++)
            for (int s = 0; s < 60; s += stepSeconds)
                for (int v = 0; v < vms; v++)
                {
                    string vm = $"vm-{v}";
                    double wobble = ((w * 7 + s + v * 3) % 5) * 0.4; // deterministic small noise
                    double cpu = vm == spikeVm && w == spikeWindow ? 97 : 40 + wobble;
                    yield return (vm, Sample(vm, Start + w * 60_000L + s * 1000L, cpu).ToByteArray());
                }
    }
}
