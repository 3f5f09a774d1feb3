using NovaOps.Contracts;

namespace NovaOps.Simulator.Faults;

/// <summary>
/// What a fault does to a VM's metrics, in <see cref="MetricNames.Standard"/> order. Precursors are
/// modelled where real faults have them: a leak's slow climb, a disk filling up, a failing host's
/// I/O errors, latency creeping up before a zone's network degrades.
/// </summary>
internal static class FaultEffects
{
    private const int Cpu = 0, Mem = 1, Disk = 2, IoWait = 3, Rx = 4, Tx = 5, Latency = 6, Errors = 7;

    /// <summary>A VM slowed by a callee's fault: its requests wait on the slow replica; a few time out.</summary>
    public static void ApplyCascade(double impact, Span<double> m)
    {
        m[Latency] *= 1 + impact;
        m[Errors] = Math.Clamp(m[Errors] + 0.01 * impact, 0, 1);
    }

    public static void Apply(InjectedFault f, long tick, Span<double> m)
    {
        double p = f.Progress(tick);
        bool incident = tick >= f.OnsetTick;
        switch (f.Kind)
        {
            case FaultKind.MemoryLeak:
                m[Mem] += (97.5 - m[Mem]) * p;
                if (incident) { m[Latency] *= 3; m[Errors] += 0.05; m[Cpu] += 10; }
                break;
            case FaultKind.CpuRunaway:
                m[Cpu] += (99 - m[Cpu]) * p;
                m[Latency] *= 1 + 1.5 * p;
                break;
            case FaultKind.DiskFilling:
                m[Disk] += (100 - m[Disk]) * p;
                if (incident) { m[IoWait] += 30; m[Errors] += 0.02; m[Latency] *= 1.5; }
                break;
            case FaultKind.NoisyNeighbour:
                m[IoWait] += 25; m[Cpu] += 10; m[Latency] *= 1.8;
                break;
            case FaultKind.HostFailure:
                if (incident)
                {
                    // The hypervisor's view of VMs on a dead host: nothing runs, every request fails.
                    m[Cpu] = 0; m[Rx] = 0; m[Tx] = 0; m[Latency] = 30_000; m[Errors] = 1;
                }
                else { m[IoWait] += 12 * p; m[Errors] += 0.01 * p; }
                break;
            case FaultKind.ZoneNetworkDegradation:
                if (incident) { m[Latency] *= 4; m[Rx] *= 0.4; m[Tx] *= 0.4; m[Errors] += 0.03; }
                else m[Latency] *= 1 + 0.6 * p;
                break;
        }

        for (int i = Cpu; i <= IoWait; i++) m[i] = Math.Clamp(m[i], 0, 100);
        m[Errors] = Math.Clamp(m[Errors], 0, 1);
    }
}
