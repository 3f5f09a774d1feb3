using System.Numerics;

namespace NovaOps.Placement.Index;

/// <summary>
/// The hosts of one zone and one host class, bucketed by free capacity: a cell per (free vCPU, free memory in 4 GB
/// units), both capped at 128, with a bitmap per vCPU row of the memory cells that hold hosts. Finding the tightest
/// fit walks at most 129 rows and jumps between occupied cells with a trailing-zero count, so a decision costs
/// about the same with 100 hosts or 100,000; whole empty hosts sit in one cell and are only reached when nothing
/// partly used fits.
/// </summary>
internal sealed class CapacityIndex
{
    public const int Buckets = 129, MemUnitGb = 4;
    private const int Words = 3; // 129 bits per row

    private readonly List<int>?[] _cells = new List<int>?[Buckets * Buckets];
    private readonly ulong[] _rows = new ulong[Buckets * Words];
    private readonly Dictionary<int, (int Cell, int Position)> _where = [];

    public int Count => _where.Count;

    public static int CpuBucket(int freeCpu) => Math.Clamp(freeCpu, 0, Buckets - 1);
    public static int MemBucket(int freeMemGb) => Math.Clamp(freeMemGb / MemUnitGb, 0, Buckets - 1);

    public void Add(int host, int freeCpu, int freeMem)
    {
        int cpu = CpuBucket(freeCpu), mem = MemBucket(freeMem), cell = cpu * Buckets + mem;
        var list = _cells[cell] ??= [];
        _where[host] = (cell, list.Count);
        list.Add(host);
        _rows[cpu * Words + (mem >> 6)] |= 1UL << (mem & 63);
    }

    public void Remove(int host)
    {
        if (!_where.Remove(host, out var at)) return;
        var list = _cells[at.Cell]!;
        int last = list[^1];
        list[at.Position] = last;
        list.RemoveAt(list.Count - 1);
        if (last != host) _where[last] = (at.Cell, at.Position);
        if (list.Count == 0)
        {
            int cpu = at.Cell / Buckets, mem = at.Cell % Buckets;
            _rows[cpu * Words + (mem >> 6)] &= ~(1UL << (mem & 63));
        }
    }

    public bool Contains(int host) => _where.ContainsKey(host);

    /// <summary>The host with the least slack (free vCPU + free 4 GB units left over) that <paramref name="fits"/>; -1 if none.</summary>
    public int TightestFit(int vcpu, int memGb, Func<int, bool> fits, out int slack)
    {
        int c0 = CpuBucket(vcpu), m0 = MemBucket(memGb);
        int best = -1, bestSlack = int.MaxValue;
        for (int cpu = c0; cpu < Buckets; cpu++)
        {
            int dc = cpu - c0;
            if (dc >= bestSlack) break;
            int found = FirstInRow(cpu, m0, fits, maxSlack: bestSlack - dc, out int mem);
            if (found >= 0) { best = found; bestSlack = dc + (mem - m0); }
        }
        slack = bestSlack;
        return best;
    }

    /// <summary>The emptiest host that fits (most free vCPU, then memory); -1 if none.</summary>
    public int LoosestFit(int vcpu, int memGb, Func<int, bool> fits)
    {
        int c0 = CpuBucket(vcpu), m0 = MemBucket(memGb);
        for (int cpu = Buckets - 1; cpu >= c0; cpu--)
            for (int w = Words - 1; w >= m0 >> 6; w--)
            {
                ulong bits = _rows[cpu * Words + w];
                if (w == m0 >> 6) bits &= ~0UL << (m0 & 63);
                while (bits != 0)
                {
                    int bit = 63 - BitOperations.LeadingZeroCount(bits);
                    bits &= ~(1UL << bit);
                    foreach (int host in _cells[cpu * Buckets + w * 64 + bit]!)
                        if (fits(host)) return host;
                }
            }
        return -1;
    }

    /// <summary>For each vCPU row from <paramref name="vcpu"/> up, its tightest fitting host (for the balanced strategy).</summary>
    public IEnumerable<int> TightestPerRow(int vcpu, int memGb, Func<int, bool> fits)
    {
        int c0 = CpuBucket(vcpu), m0 = MemBucket(memGb);
        for (int cpu = c0; cpu < Buckets; cpu++)
        {
            int found = FirstInRow(cpu, m0, fits, int.MaxValue, out _);
            if (found >= 0) yield return found;
        }
    }

    private int FirstInRow(int cpu, int m0, Func<int, bool> fits, int maxSlack, out int memBucket)
    {
        for (int w = m0 >> 6; w < Words; w++)
        {
            ulong bits = _rows[cpu * Words + w];
            if (w == m0 >> 6) bits &= ~0UL << (m0 & 63);
            while (bits != 0)
            {
                int mem = w * 64 + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                if (mem - m0 >= maxSlack) { memBucket = -1; return -1; }
                foreach (int host in _cells[cpu * Buckets + mem]!)
                    if (fits(host)) { memBucket = mem; return host; }
            }
        }
        memBucket = -1;
        return -1;
    }
}
