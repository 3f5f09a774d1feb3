using System.Numerics;

namespace NovaOps.Placement.Index;

/// <summary>
/// The hosts of one zone and one host class, bucketed by free capacity: a cell per (free vCPU, free memory in 4 GB
/// units), both capped at 128, with a bitmap per vCPU row of the memory cells that hold hosts. Finding the tightest
/// fit walks at most 129 rows and jumps between occupied cells with a trailing-zero count, so a decision costs
/// about the same with 100 hosts or 100,000; whole empty hosts sit in one cell and are only reached when nothing
/// partly used fits.
/// </summary>
internal interface IHostFilter
{
    bool Fits(int host);
}

internal sealed class CapacityIndex
{
    public const int Buckets = 129, MemUnitGb = 4;
    private const int Words = 3; // 129 bits per row

    private readonly List<int>?[] _cells = new List<int>?[Buckets * Buckets];
    private readonly ulong[] _rows = new ulong[Buckets * Words];
    // Per vCPU row, its lowest occupied memory cell (Buckets: none). Memory is left over on most hosts, so the
    // tightest fit's slack is mostly memory and a search walks some 60 rows; a row whose lowest cell is at or above
    // the request's costs one read instead of a bitmap walk.
    private readonly int[] _rowLowest = Enumerable.Repeat(Buckets, Buckets).ToArray();
    // Where each host sits: cell + 1 (0: not in the index) and its position in the cell's list, by host number
    // (arrays, not a dictionary: a move updates them twice per decision).
    private int[] _cellOf = new int[64], _position = new int[64];

    public int Count { get; private set; }

    public static int CpuBucket(int freeCpu) => Math.Clamp(freeCpu, 0, Buckets - 1);
    public static int MemBucket(int freeMemGb) => Math.Clamp(freeMemGb / MemUnitGb, 0, Buckets - 1);

    public void Add(int host, int freeCpu, int freeMem)
    {
        int cpu = CpuBucket(freeCpu), mem = MemBucket(freeMem), cell = cpu * Buckets + mem;
        var list = _cells[cell] ??= [];
        if (host >= _cellOf.Length)
        {
            int size = Math.Max(host + 1, _cellOf.Length * 2);
            Array.Resize(ref _cellOf, size);
            Array.Resize(ref _position, size);
        }
        _cellOf[host] = cell + 1;
        _position[host] = list.Count;
        list.Add(host);
        Count++;
        _rows[cpu * Words + (mem >> 6)] |= 1UL << (mem & 63);
        if (mem < _rowLowest[cpu]) _rowLowest[cpu] = mem;
    }

    public void Remove(int host)
    {
        if (host >= _cellOf.Length || _cellOf[host] == 0) return;
        int cell = _cellOf[host] - 1, position = _position[host];
        _cellOf[host] = 0;
        Count--;
        var list = _cells[cell]!;
        int last = list[^1];
        list[position] = last;
        list.RemoveAt(list.Count - 1);
        if (last != host) _position[last] = position;
        if (list.Count == 0)
        {
            int cpu = cell / Buckets, mem = cell % Buckets;
            _rows[cpu * Words + (mem >> 6)] &= ~(1UL << (mem & 63));
            if (mem == _rowLowest[cpu]) _rowLowest[cpu] = LowestInRow(cpu);
        }
    }

    private int LowestInRow(int cpu)
    {
        for (int w = 0; w < Words; w++)
            if (_rows[cpu * Words + w] is var bits and not 0) return w * 64 + BitOperations.TrailingZeroCount(bits);
        return Buckets;
    }

    public bool Contains(int host) => host < _cellOf.Length && _cellOf[host] != 0;

    // Filters are structs, one generic instance per filter type: no delegate allocated per decision, and the JIT
    // can inline the check (a closure per decision was most of a zone evacuation's garbage).

    /// <summary>The host with the least slack (free vCPU + free 4 GB units left over) that <paramref name="fits"/>; -1 if none.</summary>
    public int TightestFit<TFilter>(int vcpu, int memGb, TFilter fits, out int slack) where TFilter : struct, IHostFilter
    {
        int c0 = CpuBucket(vcpu), m0 = MemBucket(memGb);
        int best = -1, bestSlack = int.MaxValue;
        for (int cpu = c0; cpu < Buckets; cpu++)
        {
            int dc = cpu - c0;
            if (dc >= bestSlack) break;
            int lowest = _rowLowest[cpu];
            if (lowest >= m0 && lowest - m0 >= bestSlack - dc) continue; // nothing in this row can beat the best
            int found = FirstInRow(cpu, m0, fits, maxSlack: bestSlack - dc, out int mem);
            if (found >= 0) { best = found; bestSlack = dc + (mem - m0); }
        }
        slack = bestSlack;
        return best;
    }

    /// <summary>The emptiest host that fits (most free vCPU, then memory); -1 if none.</summary>
    public int LoosestFit<TFilter>(int vcpu, int memGb, TFilter fits) where TFilter : struct, IHostFilter
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
                        if (fits.Fits(host)) return host;
                }
            }
        return -1;
    }

    /// <summary>For each vCPU row from <paramref name="vcpu"/> up, its tightest fitting host (for the balanced strategy).</summary>
    public IEnumerable<int> TightestPerRow<TFilter>(int vcpu, int memGb, TFilter fits) where TFilter : struct, IHostFilter
    {
        int c0 = CpuBucket(vcpu), m0 = MemBucket(memGb);
        for (int cpu = c0; cpu < Buckets; cpu++)
        {
            int found = FirstInRow(cpu, m0, fits, int.MaxValue, out _);
            if (found >= 0) yield return found;
        }
    }

    private int FirstInRow<TFilter>(int cpu, int m0, TFilter fits, int maxSlack, out int memBucket) where TFilter : struct, IHostFilter
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
                    if (fits.Fits(host)) { memBucket = mem; return host; }
            }
        }
        memBucket = -1;
        return -1;
    }
}
