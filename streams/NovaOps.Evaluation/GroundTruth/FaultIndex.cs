using NovaOps.Contracts;

namespace NovaOps.Evaluation.GroundTruth;

/// <summary>
/// Which fault labels touch a VM: its own faults (by the label's VM list, or by zone for a zone's fault, whose label
/// lists no VMs) and those that hurt it through service calls (the label's symptom VMs).
/// </summary>
public sealed class FaultIndex
{
    private readonly Dictionary<string, List<FaultLabel>> _byVm = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FaultLabel>> _byZone = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FaultLabel>> _bySymptom = new(StringComparer.Ordinal);

    public FaultIndex(IEnumerable<FaultLabel> labels)
    {
        foreach (var l in labels)
        {
            if (l.Scope == FaultScope.Zone) Add(_byZone, l.Zone, l);
            else foreach (var vm in l.AffectedVms) Add(_byVm, vm, l);
            foreach (var vm in l.SymptomVms) Add(_bySymptom, vm, l);
        }
    }

    /// <summary>The faults of the VM itself.</summary>
    public IEnumerable<FaultLabel> Own(string vm, string zone) =>
        _byVm.GetValueOrDefault(vm, []).Concat(_byZone.GetValueOrDefault(zone, []));

    /// <summary>The faults that hurt the VM through the services it calls.</summary>
    public IReadOnlyList<FaultLabel> HurtThrough(string vm) => _bySymptom.GetValueOrDefault(vm, []);

    /// <summary>The fault is the VM's own (see <see cref="Own"/>), for a single label.</summary>
    public static bool Hits(FaultLabel label, string vm, string zone) =>
        label.Scope == FaultScope.Zone ? label.Zone == zone : label.AffectedVms.Contains(vm);

    private static void Add(Dictionary<string, List<FaultLabel>> index, string key, FaultLabel label)
    {
        if (!index.TryGetValue(key, out var list)) index.Add(key, list = []);
        list.Add(label);
    }
}
