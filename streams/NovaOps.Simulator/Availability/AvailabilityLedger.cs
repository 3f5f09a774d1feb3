using NovaOps.Contracts;

namespace NovaOps.Simulator.Availability;

/// <summary>
/// The fleet's service over a run, per tenant tier: VM-seconds in each <see cref="ServiceState"/>, and the impaired
/// VM-seconds that actions caused on VMs with no fault (harm). Availability = 1 − impaired / all VM-seconds, where a
/// down second counts fully and a degraded one <see cref="DegradedWeight"/>.
/// </summary>
public sealed class AvailabilityLedger(double degradedWeight = 0.5)
{
    private readonly Dictionary<TenantTier, TierSeconds> _tiers = [];
    private readonly Dictionary<string, double> _byCause = new(StringComparer.Ordinal);

    /// <summary>Impaired VM-seconds by what caused them: a fault kind (its VMs and the callers it slows), or "action" for downtime actions caused on VMs with no fault.</summary>
    public IReadOnlyDictionary<string, double> ImpairedByCause => _byCause;

    /// <summary>How much a degraded second counts against availability (0: not at all, 1: as down).</summary>
    public double DegradedWeight { get; } = degradedWeight is >= 0 and <= 1 ? degradedWeight : throw new ArgumentOutOfRangeException(nameof(degradedWeight), "in [0, 1]");

    /// <summary>Down VM-seconds caused by actions on VMs that had no fault.</summary>
    public double HarmSeconds { get; private set; }

    public IReadOnlyDictionary<TenantTier, TierSeconds> Tiers => _tiers;

    /// <summary>One VM for <paramref name="seconds"/> in <paramref name="state"/>; <paramref name="harmful"/> when an action on a healthy VM caused it.</summary>
    /// <param name="cause">The fault kind behind an impaired state (null when none; actions on healthy VMs are <paramref name="harmful"/>).</param>
    public void Add(TenantTier tier, ServiceState state, double seconds, bool harmful = false, FaultKind? cause = null)
    {
        if (!_tiers.TryGetValue(tier, out var t)) _tiers[tier] = t = new TierSeconds();
        t.Total += seconds;
        if (state == ServiceState.Down) t.Down += seconds;
        else if (state == ServiceState.Degraded) t.Degraded += seconds;
        if (harmful && state == ServiceState.Down) HarmSeconds += seconds;
        if (state != ServiceState.Up)
        {
            string key = harmful ? "action" : cause?.ToString() ?? "action";
            _byCause[key] = _byCause.GetValueOrDefault(key) + (state == ServiceState.Down ? seconds : DegradedWeight * seconds);
        }
    }

    /// <summary>
    /// A migration's stun, shorter than a tick, inside a tick already counted in <paramref name="counted"/> (up or
    /// degraded): moves its seconds to down.
    /// </summary>
    public void AddStun(TenantTier tier, double seconds, ServiceState counted, bool harmful)
    {
        if (!_tiers.TryGetValue(tier, out var t)) _tiers[tier] = t = new TierSeconds();
        if (counted == ServiceState.Down) return; // down for the whole tick anyway
        t.Down += seconds;
        if (counted == ServiceState.Degraded) t.Degraded -= Math.Min(seconds, t.Degraded);
        if (harmful) HarmSeconds += seconds;
        string key = harmful ? "action" : "migration stun";
        _byCause[key] = _byCause.GetValueOrDefault(key) + seconds;
    }

    public double ImpairedSeconds(TenantTier tier) => _tiers.TryGetValue(tier, out var t) ? t.Down + DegradedWeight * t.Degraded : 0;

    public double ImpairedSeconds() => _tiers.Keys.Sum(ImpairedSeconds);

    /// <summary>1 − impaired / all VM-seconds of the tier; 1 with no VM-seconds.</summary>
    public double Availability(TenantTier tier) =>
        _tiers.TryGetValue(tier, out var t) && t.Total > 0 ? 1 - Math.Min(t.Total, ImpairedSeconds(tier)) / t.Total : 1;

    /// <summary>Availability as a number of nines: −log10(1 − a) (0.999 → 3); infinite at 1.</summary>
    public static double Nines(double availability) => availability >= 1 ? double.PositiveInfinity : -Math.Log10(1 - availability);

    public sealed class TierSeconds
    {
        public double Total { get; internal set; }
        public double Down { get; internal set; }
        public double Degraded { get; internal set; }
    }
}
