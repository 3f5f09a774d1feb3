using NovaOps.Contracts;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Simulator;

/// <summary>
/// Produces the samples of each simulated tick. Normal load is a pure function of (seed, VM, tick):
/// a daily cycle, the service's shared load (so a service's VMs move together), the VM's own level
/// and noise. Active faults of the plan are applied on top.
/// </summary>
public sealed class TelemetryGenerator
{
    private readonly FleetLayout _fleet;
    private readonly ulong _seed;
    private readonly int[] _faultOfVm;      // index into the plan, -1 when healthy
    private readonly Dictionary<int, (int Fault, double Impact)> _cascadeOfVm = new(); // VMs hurt through calls
    private readonly List<InjectedFault> _faults;
    private int _nextFault;                  // next fault (by precursor start) not yet begun
    private readonly List<int> _active = [];
    private long _lastTick = -1;
    private readonly long _intervalMs;
    private readonly long _startMs;
    private readonly int[] _faulty;          // per fault: its affected VMs still under it (actions release them)
    private readonly bool[] _resolved;       // per fault: ended early by actions

    public FaultPlan Plan { get; }

    /// <summary>What actions changed in the fleet: moved VMs, CPU caps, grown disks (see <see cref="Control.FleetControl"/>).</summary>
    public Control.FleetControl Control { get; }

    public FleetLayout Fleet => _fleet;

    public TelemetryGenerator(FleetLayout fleet, FaultPlan plan)
    {
        _fleet = fleet;
        Plan = plan;
        _seed = (ulong)fleet.Options.Seed;
        _faults = [.. plan.Faults];
        _faultOfVm = new int[fleet.VmCount];
        Array.Fill(_faultOfVm, -1);
        _intervalMs = (long)fleet.Options.SampleInterval.TotalMilliseconds;
        _startMs = fleet.Options.Start.ToUnixTimeMilliseconds();
        _faulty = new int[_faults.Count];
        _resolved = new bool[_faults.Count];
        Control = new Control.FleetControl(fleet, this, fleet.Options.ActionCosts);
    }

    /// <summary>The current tick.</summary>
    public long Tick => _lastTick;

    /// <summary>The fault <paramref name="vm"/> suffers now (its own, its host's or its zone's), if any.</summary>
    public InjectedFault? FaultOf(int vm) => _faultOfVm[vm] >= 0 ? _faults[_faultOfVm[vm]] : null;

    /// <summary>
    /// An action freed <paramref name="vm"/> from its fault (restarted, moved away, disk grown). Returns the fault
    /// when that was its last affected VM: the fault is over, and no longer slows its callers either.
    /// </summary>
    internal InjectedFault? Release(int vm)
    {
        int index = _faultOfVm[vm];
        if (index < 0) return null;
        _faultOfVm[vm] = -1;
        if (--_faulty[index] > 0) return null;
        _resolved[index] = true;
        _active.Remove(index);
        foreach (int v in _faults[index].Cascade.Keys)
            if (_cascadeOfVm.TryGetValue(v, out var c) && c.Fault == index) _cascadeOfVm.Remove(v);
        return _faults[index];
    }

    /// <summary>
    /// A person ended the faults that touch any of <paramref name="vms"/> (their every affected VM is freed); returns
    /// those faults.
    /// </summary>
    internal IReadOnlyList<InjectedFault> EndFaultsTouching(IEnumerable<int> vms)
    {
        var faults = new HashSet<int>();
        foreach (int vm in vms)
        {
            if (_faultOfVm[vm] >= 0) faults.Add(_faultOfVm[vm]);
            if (_cascadeOfVm.TryGetValue(vm, out var c)) faults.Add(c.Fault); // paged about a caller: the callee's fault is what gets fixed
        }
        var ended = new List<InjectedFault>();
        foreach (int index in faults.Order())
            foreach (int vm in _faults[index].AffectedVms)
                if (_faultOfVm[vm] == index && Release(vm) is { } over) ended.Add(over);
        return ended;
    }

    /// <summary>
    /// The service <paramref name="vm"/> gives now: down while an action holds it (a restart) or while its host is dead;
    /// degraded from its fault's onset (or a callee's) to its end; up otherwise, a precursor included.
    /// </summary>
    public ServiceState StateOf(int vm)
    {
        long tick = _lastTick;
        if (Control.DownAt(vm, tick).Down) return ServiceState.Down;
        int fault = _faultOfVm[vm];
        if (fault >= 0 && tick >= _faults[fault].OnsetTick)
            return _faults[fault].Kind == FaultKind.HostFailure ? ServiceState.Down : ServiceState.Degraded;
        if (fault < 0 && _cascadeOfVm.Count > 0 && _cascadeOfVm.TryGetValue(vm, out var cascade) && tick >= _faults[cascade.Fault].OnsetTick)
            return ServiceState.Degraded;
        return ServiceState.Up;
    }

    /// <summary>The kind of the fault that hurts <paramref name="vm"/> now: its own, or that of a service it calls; null when none.</summary>
    public FaultKind? CauseOf(int vm) =>
        _faultOfVm[vm] >= 0 ? _faults[_faultOfVm[vm]].Kind
        : _cascadeOfVm.Count > 0 && _cascadeOfVm.TryGetValue(vm, out var c) ? _faults[c.Fault].Kind
        : null;

    public long TickToMs(long tick) => _startMs + tick * _intervalMs;

    /// <summary>
    /// Moves to <paramref name="tick"/> (ticks only go forward) and returns the faults whose precursor
    /// starts at this tick, so their labels can be published as they begin.
    /// </summary>
    public IReadOnlyList<InjectedFault> Advance(long tick)
    {
        if (tick < _lastTick) throw new InvalidOperationException("ticks must not go backwards");
        _lastTick = tick;
        for (int i = _active.Count - 1; i >= 0; i--)
        {
            var f = _faults[_active[i]];
            if (tick < f.EndTick) continue;
            foreach (int v in f.AffectedVms)
                if (_faultOfVm[v] == _active[i]) _faultOfVm[v] = -1;
            foreach (int v in f.Cascade.Keys)
                if (_cascadeOfVm.TryGetValue(v, out var c) && c.Fault == _active[i]) _cascadeOfVm.Remove(v);
            _active.RemoveAt(i);
        }

        List<InjectedFault>? started = null;
        while (_nextFault < _faults.Count && _faults[_nextFault].PrecursorStartTick <= tick)
        {
            var f = _faults[_nextFault];
            if (tick < f.EndTick)
            {
                foreach (int v in f.AffectedVms) _faultOfVm[v] = _nextFault;
                _faulty[_nextFault] = f.AffectedVms.Count;
                foreach (var (v, impact) in f.Cascade)
                    if (!_cascadeOfVm.TryGetValue(v, out var c) || c.Impact < impact) _cascadeOfVm[v] = (_nextFault, impact);
                _active.Add(_nextFault);
            }
            (started ??= []).Add(f);
            _nextFault++;
        }
        return started ?? (IReadOnlyList<InjectedFault>)[];
    }

    /// <summary>The sample of <paramref name="vm"/> at the current tick.</summary>
    public TelemetrySample Sample(int vm)
    {
        long tick = _lastTick;
        Span<double> m = stackalloc double[MetricNames.Count];
        Normal(vm, tick, m);
        int fault = _faultOfVm[vm];
        if (fault >= 0)
        {
            Span<double> normal = stackalloc double[MetricNames.Count];
            m.CopyTo(normal);
            FaultEffects.Apply(_faults[fault], tick, m);
            Control.Mitigate(vm, normal, m);
        }
        else if (_cascadeOfVm.Count > 0 && _cascadeOfVm.TryGetValue(vm, out var cascade) && tick >= _faults[cascade.Fault].OnsetTick)
            FaultEffects.ApplyCascade(cascade.Impact, m);
        else Control.Mitigate(vm, m, m);

        int host = Control.HostOf(vm);
        int zone = _fleet.ZoneOfHost(host);
        int tenant = _fleet.TenantOf(vm);
        return new TelemetrySample
        {
            SchemaVersion = SchemaVersions.Telemetry,
            TenantId = FleetLayout.TenantName(tenant),
            TenantTier = _fleet.TierOf(tenant),
            Region = _fleet.RegionName(zone),
            Zone = _fleet.ZoneName(zone),
            Host = _fleet.HostName(host),
            VmId = FleetLayout.VmName(vm),
            TimestampMs = TickToMs(tick),
            CpuUtil = Math.Round(m[0], 2),
            MemUtil = Math.Round(m[1], 2),
            DiskUtil = Math.Round(m[2], 2),
            DiskIoWait = Math.Round(m[3], 2),
            NetRxBytes = Math.Round(m[4]),
            NetTxBytes = Math.Round(m[5]),
            LatencyP99Ms = Math.Round(m[6], 2),
            ErrorRate = Math.Round(m[7], 5),
        };
    }

    private void Normal(int vm, long tick, Span<double> m)
    {
        var p = _fleet.ProfileOf(vm);
        int service = _fleet.ServiceOf(vm);
        ulong v = (ulong)vm, t = (ulong)tick;
        double seconds = tick * _intervalMs / 1000.0;
        double phase = DeterministicRandom.Uniform(_seed, 31, (ulong)service, 0) * 0.5; // services peak at slightly different hours
        double diurnal = 1 + p.CpuDiurnal * Math.Sin(2 * Math.PI * (seconds / 86_400.0 + phase));
        // The service's shared load wanders minute by minute: its VMs are correlated.
        double serviceLoad = 1 + 0.05 * DeterministicRandom.Normal(_seed, 32, (ulong)service, (ulong)(seconds / 60));
        double level = 0.8 + 0.4 * DeterministicRandom.Uniform(_seed, 33, v, 0);
        double load = diurnal * serviceLoad * level;

        double cpu = p.CpuBase * load + p.CpuNoise * DeterministicRandom.Normal(_seed, 34, v, t);
        m[0] = Math.Clamp(cpu, 0.5, 100);
        m[1] = Math.Clamp(p.MemBase * (0.9 + 0.2 * DeterministicRandom.Uniform(_seed, 35, v, 0)) + p.MemNoise * DeterministicRandom.Normal(_seed, 36, v, t), 1, 100);
        m[2] = Math.Clamp(p.DiskBase * (0.8 + 0.4 * DeterministicRandom.Uniform(_seed, 37, v, 0)) + 0.3 * DeterministicRandom.Normal(_seed, 38, v, t), 0, 100);
        m[3] = Math.Clamp(2 + m[0] * 0.05 + 0.8 * Math.Abs(DeterministicRandom.Normal(_seed, 39, v, t)), 0, 100);
        m[4] = p.NetBase * load * Math.Exp(0.1 * DeterministicRandom.Normal(_seed, 40, v, t));
        m[5] = 0.6 * m[4] * Math.Exp(0.05 * DeterministicRandom.Normal(_seed, 41, v, t));
        double u = m[0] / 100;
        m[6] = p.LatencyBase * (1 + 0.5 * u * u * u) * Math.Exp(0.08 * DeterministicRandom.Normal(_seed, 42, v, t));
        m[7] = Math.Min(1, p.ErrorBase * Math.Exp(0.3 * DeterministicRandom.Normal(_seed, 43, v, t)));
    }
}
