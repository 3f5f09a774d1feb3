namespace NovaOps.Simulator.Control;

/// <summary>
/// Draws what one action costs under <see cref="ActionCostOptions"/>: a pure function of the seed, the action and the
/// VM, so a run replays the same costs whatever order commands arrive in.
/// </summary>
public sealed class ActionCosts(ActionCostOptions options, int seed)
{
    private readonly ulong _seed = (ulong)seed;

    public ActionCostOptions Options => options;

    public double RestartSeconds(string actionId, int vm) => Between(61, actionId, vm, options.RestartMinSeconds, options.RestartMaxSeconds);

    public double DiskGrowSeconds(string actionId, int vm) => Between(62, actionId, vm, options.DiskGrowMinSeconds, options.DiskGrowMaxSeconds);

    public double StunSeconds(string actionId, int vm) => Between(63, actionId, vm, options.MigrationStunMinSeconds, options.MigrationStunMaxSeconds);

    public double HumanSeconds(string actionId) =>
        options.HumanAcknowledgeSeconds + Between(64, actionId, 0, options.HumanFixMinSeconds, options.HumanFixMaxSeconds);

    /// <summary>The VM's memory, fixed per VM.</summary>
    public double MemoryGiB(int vm) =>
        options.VmMemoryMinGiB + (options.VmMemoryMaxGiB - options.VmMemoryMinGiB) * DeterministicRandom.Uniform(_seed, 65, (ulong)vm, 0);

    /// <summary>Pre-copy of a live migration: one pass over the memory at the migration's bandwidth, plus the rounds that copy what was written meanwhile.</summary>
    public double CopySeconds(int vm) => MemoryGiB(vm) * 8 / options.MigrationGbps / (1 - options.MigrationDirtyShare);

    public bool Fails(string actionId, int vm) => DeterministicRandom.Uniform(_seed, 66, Key(actionId), (ulong)vm) < options.FailureRate;

    private double Between(ulong stream, string actionId, int vm, double min, double max) =>
        min + (max - min) * DeterministicRandom.Uniform(_seed, stream, Key(actionId), (ulong)vm);

    // FNV-1a: string.GetHashCode differs between processes.
    private static ulong Key(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in text) h = (h ^ c) * 1099511628211UL;
        return h;
    }
}
