namespace NovaOps.Simulator.Fleet;

/// <summary>Typical load of a kind of service: levels, daily swing and noise of each metric.</summary>
public sealed record WorkloadProfile(
    string Name,
    double CpuBase, double CpuDiurnal, double CpuNoise,
    double MemBase, double MemNoise,
    double DiskBase,
    double NetBase, double LatencyBase, double ErrorBase)
{
    public static readonly IReadOnlyList<WorkloadProfile> All =
    [
        new("web", CpuBase: 35, CpuDiurnal: 0.45, CpuNoise: 4, MemBase: 45, MemNoise: 1.5, DiskBase: 30, NetBase: 4e6, LatencyBase: 80, ErrorBase: 0.002),
        new("database", CpuBase: 45, CpuDiurnal: 0.30, CpuNoise: 3, MemBase: 70, MemNoise: 0.8, DiskBase: 55, NetBase: 2e6, LatencyBase: 15, ErrorBase: 0.0005),
        new("batch", CpuBase: 60, CpuDiurnal: 0.15, CpuNoise: 8, MemBase: 55, MemNoise: 3, DiskBase: 40, NetBase: 1e6, LatencyBase: 200, ErrorBase: 0.001),
        new("cache", CpuBase: 20, CpuDiurnal: 0.40, CpuNoise: 2, MemBase: 80, MemNoise: 0.5, DiskBase: 10, NetBase: 8e6, LatencyBase: 2, ErrorBase: 0.0002),
    ];
}
