using NovaOps.Contracts;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Simulator.Faults;

/// <summary>
/// The faults of a run, decided up front from the seed: when, where, what kind, and how long the
/// precursor lasts. A target (VM, host or zone) carries one fault at a time, so labels never overlap.
/// </summary>
public sealed class FaultPlan
{
    public IReadOnlyList<InjectedFault> Faults { get; }

    private FaultPlan(IReadOnlyList<InjectedFault> faults) => Faults = faults;

    public static FaultPlan Generate(FleetLayout fleet, long horizonTicks)
    {
        var o = fleet.Options;
        ulong seed = (ulong)o.Seed;
        double tickSeconds = o.SampleInterval.TotalSeconds;
        long Ticks(double minutes) => Math.Max(1, (long)Math.Round(minutes * 60 / tickSeconds));

        long firstTick = Ticks(o.FaultFreePrefix.TotalMinutes);
        double hours = Math.Max(0, (horizonTicks - firstTick) * tickSeconds / 3600.0);
        int count = (int)Math.Round(o.FaultsPerHour * hours);
        var kinds = o.FaultMix.Where(k => k.Value > 0).OrderBy(k => k.Key).ToArray();
        double totalWeight = kinds.Sum(k => k.Value);
        var busyUntil = new Dictionary<(FaultScope, int), long>();
        var vmBusyUntil = new Dictionary<int, long>();
        var faults = new List<InjectedFault>();

        for (int i = 0; i < count && kinds.Length > 0; i++)
        {
            ulong s = (ulong)i;
            double pick = DeterministicRandom.Uniform(seed, 21, s, 0) * totalWeight;
            var kind = kinds[^1].Key;
            foreach (var k in kinds) { if ((pick -= k.Value) < 0) { kind = k.Key; break; } }

            var (precursorMin, durationMin) = Timing(kind, DeterministicRandom.Uniform(seed, 22, s, 0), DeterministicRandom.Uniform(seed, 22, s, 1));
            long precursor = kind is FaultKind.NoisyNeighbour ? 0 : Ticks(precursorMin);
            long duration = Ticks(durationMin);
            long latestOnset = horizonTicks - duration / 2;
            long earliestOnset = firstTick + precursor;
            if (latestOnset <= earliestOnset) continue;
            long onset = earliestOnset + (long)(DeterministicRandom.Uniform(seed, 23, s, 0) * (latestOnset - earliestOnset));

            var scope = kind switch
            {
                FaultKind.NoisyNeighbour or FaultKind.HostFailure => FaultScope.Host,
                FaultKind.ZoneNetworkDegradation => FaultScope.Zone,
                _ => FaultScope.Vm,
            };
            int range = scope switch { FaultScope.Host => fleet.HostCount, FaultScope.Zone => fleet.ZoneCount, _ => fleet.VmCount };
            long start = onset - precursor, end = onset + duration;

            // Try a few targets; skip the fault when all of them are busy at that time.
            for (int attempt = 0; attempt < 8; attempt++)
            {
                int target = (int)(DeterministicRandom.Hash(seed, 24, s, (ulong)attempt) % (ulong)range);
                var vms = scope switch
                {
                    FaultScope.Host => fleet.VmsOnHost(target).ToArray(),
                    FaultScope.Zone => fleet.VmsInZone(target).ToArray(),
                    _ => [target],
                };
                if (vms.Any(v => vmBusyUntil.TryGetValue(v, out var until) && until > start - Ticks(10))) continue;
                foreach (int v in vms) vmBusyUntil[v] = end;
                busyUntil[(scope, target)] = end;
                faults.Add(new InjectedFault($"fault-{o.Seed}-{i:D4}", kind, scope, target, start, onset, end, vms, Cascade(fleet, scope, kind, vms)));
                break;
            }
        }

        return new FaultPlan(faults.OrderBy(f => f.PrecursorStartTick).ToList());
    }

    /// <summary>
    /// Who else a fault hurts through service calls. A caller's p99 latency follows its slowest callee
    /// replica as soon as a few percent of its requests go there, so any sick VM of a service slows the
    /// service's callers: by <see cref="Severity"/> × 2 of their latency one call up, half that two calls up.
    /// VMs the fault touches directly are not listed. Only faults of one VM travel so: a failed host's or
    /// degraded zone's replicas are taken out of rotation by the callers' load balancers (health checks,
    /// zone failover), which the simulator does not model, and their direct effect is what RCA must explain.
    /// </summary>
    internal static IReadOnlyDictionary<int, double> Cascade(FleetLayout fleet, FaultScope scope, FaultKind kind, IReadOnlyList<int> vms)
    {
        if (scope != FaultScope.Vm) return new Dictionary<int, double>();
        double severity = Severity(kind);
        var affected = vms.ToHashSet();
        var serviceImpact = new Dictionary<int, double>();
        foreach (int service in vms.Select(fleet.ServiceOf).Distinct())
            foreach (int caller in fleet.CallersOf(service))
            {
                serviceImpact[caller] = Math.Max(serviceImpact.GetValueOrDefault(caller), 2 * severity);
                foreach (int second in fleet.CallersOf(caller))
                    serviceImpact[second] = Math.Max(serviceImpact.GetValueOrDefault(second), severity);
            }
        var cascade = new Dictionary<int, double>();
        foreach (var (service, impact) in serviceImpact)
            foreach (int vm in fleet.VmsOfService(service))
                if (!affected.Contains(vm)) cascade[vm] = impact;
        return cascade;
    }

    /// <summary>How much a fault slows what its VMs serve, after onset (0..1): from its own latency effect (FaultEffects).</summary>
    internal static double Severity(FaultKind kind) => kind switch
    {
        FaultKind.MemoryLeak => 0.65,
        FaultKind.CpuRunaway => 0.5,
        FaultKind.DiskFilling => 0.2,
        _ => 0,
    };

    /// <summary>Precursor and incident length in simulated minutes, by kind (u1, u2 uniform in [0, 1)).</summary>
    private static (double Precursor, double Duration) Timing(FaultKind kind, double u1, double u2) => kind switch
    {
        FaultKind.MemoryLeak => (20 + 20 * u1, 10 + 10 * u2),
        FaultKind.CpuRunaway => (2 + 3 * u1, 10 + 10 * u2),
        FaultKind.DiskFilling => (15 + 15 * u1, 10 + 10 * u2),
        FaultKind.NoisyNeighbour => (0, 10 + 15 * u2),
        FaultKind.HostFailure => (5 + 5 * u1, 10 + 10 * u2),
        FaultKind.ZoneNetworkDegradation => (3 + 5 * u1, 10 + 10 * u2),
        _ => (5, 10),
    };

    /// <summary>The ground-truth record of a fault, as published on the fault-labels topic.</summary>
    public static FaultLabel ToLabel(InjectedFault f, FleetLayout fleet, Func<long, long> tickToMs)
    {
        int zone = f.Scope switch
        {
            FaultScope.Zone => f.Target,
            FaultScope.Host => fleet.ZoneOfHost(f.Target),
            _ => fleet.ZoneOf(f.Target),
        };
        var label = new FaultLabel
        {
            SchemaVersion = SchemaVersions.FaultLabel,
            FaultId = f.Id,
            Kind = f.Kind,
            Scope = f.Scope,
            RootCause = f.Scope switch
            {
                FaultScope.Zone => fleet.ZoneName(f.Target),
                FaultScope.Host => fleet.HostName(f.Target),
                _ => FleetLayout.VmName(f.Target),
            },
            Region = fleet.RegionName(zone),
            Zone = fleet.ZoneName(zone),
            Host = f.Scope == FaultScope.Zone ? "" : fleet.HostName(f.Scope == FaultScope.Host ? f.Target : fleet.HostOf(f.Target)),
            PrecursorStartMs = tickToMs(f.PrecursorStartTick),
            OnsetMs = tickToMs(f.OnsetTick),
            EndMs = tickToMs(f.EndTick),
        };
        // A zone's VM list can be huge: the zone itself says who is affected.
        if (f.Scope != FaultScope.Zone)
            label.AffectedVms.AddRange(f.AffectedVms.Select(FleetLayout.VmName));
        label.SymptomVms.AddRange(f.Cascade.Keys.Order().Select(FleetLayout.VmName));
        return label;
    }
}
