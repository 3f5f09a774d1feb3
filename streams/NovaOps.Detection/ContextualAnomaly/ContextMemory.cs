namespace NovaOps.Detection.ContextualAnomaly;

/// <summary>
/// The context memory of the Contextual Anomaly Detector (CAD OSE, Smirnov and Petrosyan; second on NAB's development
/// files), written from its description: a context pairs a left half (the facts of the previous row: its quantised bits
/// and the contexts that were active then) with a right half (the facts of this row). Each row, the contexts whose left
/// half was complete last row are selected; those whose right half is complete now are active. New contexts are formed
/// from the previous and current facts, and from the partial matches of known ones. A row is anomalous when few selected
/// contexts are active and many of the contexts it could form are new. Halves are shared between contexts (many
/// contexts have the same left or right facts), so memory grows with what the series shows, not with its length.
/// </summary>
internal sealed class ContextMemory(int maxLeftFacts, int maxActiveContexts)
{
    // Facts of the quantised value are small (bit position × 2 + bit); active contexts become facts above them.
    private const int ContextFactBase = 1 << 10;

    private readonly Half _left = new(keepsContexts: true);
    private readonly Half _right = new(keepsContexts: false);
    private readonly List<Context> _contexts = [];
    private readonly List<(int Id, int Activations)> _active = [];
    private readonly List<(int[] Left, int[] Right)> _candidates = [];
    private readonly HashSet<(int[] Left, int[] Right)> _distinct = new(FactPairComparer.Instance);
    private readonly List<int> _nextLeft = [];
    private int[] _leftFacts = [];
    private int _justAdded = -1;

    /// <summary>
    /// Learns one row's facts (distinct, ascending) and returns the share of selected contexts that are active now and the
    /// share of this row's candidate contexts that were new; CAD scores the row (1 − active + new) / 2.
    /// </summary>
    public (double ActiveShare, double NewShare) Step(int[] facts)
    {
        // The one zero-level candidate: everything of the previous row followed by everything of this one.
        bool hasZero = _leftFacts.Length > 0 && facts.Length > 0;
        _right.Cross(facts);
        int newZero = hasZero ? Add(_leftFacts, facts, zeroLevel: true) : 0;

        _active.Clear();
        _candidates.Clear();
        int selected = 0;
        foreach (var left in _left.Crossed)
        {
            bool leftComplete = left.Matched.Count == left.Facts.Length;
            bool mayGrow = newZero > 0 && left.Matched.Count <= maxLeftFacts;
            foreach (var (rightId, id) in left.ContextByRight!)
            {
                if (id == _justAdded) continue;
                var context = _contexts[id];
                var right = _right.All[rightId];
                bool rightComplete = right.Matched.Count == right.Facts.Length;
                if (leftComplete)
                {
                    selected++;
                    if (rightComplete)
                    {
                        context.Activations++;
                        _active.Add((id, context.Activations));
                        continue;
                    }
                }
                if (context.ZeroLevel && mayGrow && right.Matched.Count > 0)
                    _candidates.Add(([.. left.Matched], [.. right.Matched]));
            }
        }
        _justAdded = -1;

        _distinct.Clear();
        foreach (var c in _candidates) _distinct.Add(c);
        if (hasZero) _distinct.Add((_leftFacts, facts));
        double activeShare = selected > 0 ? _active.Count / (double)selected : 0;

        // The next left half: this row's facts and its most often activated contexts (ties: the earlier found).
        _nextLeft.Clear();
        _nextLeft.AddRange(facts);
        if (_active.Count > maxActiveContexts)
        {
            var ranked = _active.Select((a, i) => (a.Id, a.Activations, i)).OrderBy(a => a.Activations).ThenBy(a => a.i);
            foreach (var a in ranked.Skip(_active.Count - maxActiveContexts)) _nextLeft.Add(ContextFactBase + a.Id);
        }
        else foreach (var a in _active) _nextLeft.Add(ContextFactBase + a.Id);
        _nextLeft.Sort();
        _leftFacts = [.. _nextLeft];
        _left.Cross(_leftFacts);

        int added = 0;
        foreach (var (l, r) in _candidates) added += Add(l, r, zeroLevel: false);
        added += newZero;
        double newShare = newZero > 0 && _distinct.Count > 0 ? added / (double)_distinct.Count : 0;
        return (activeShare, newShare);
    }

    /// <summary>Remembers the context of these halves; 1 when it is new.</summary>
    private int Add(int[] leftFacts, int[] rightFacts, bool zeroLevel)
    {
        var left = _left.All[_left.Add(leftFacts)];
        int rightId = _right.Add(rightFacts);
        if (left.ContextByRight!.TryGetValue(rightId, out int id))
        {
            if (zeroLevel) _contexts[id].ZeroLevel = true;
            return 0;
        }
        id = _contexts.Count;
        left.ContextByRight[rightId] = id;
        _contexts.Add(new Context { ZeroLevel = zeroLevel });
        if (zeroLevel) _justAdded = id;
        return 1;
    }

    // CAD also counts how much of each context's right half followed, for predictions; its score does not read them.
    private sealed class Context
    {
        public int Activations;
        public bool ZeroLevel;
    }

    private sealed class SemiContext(int[] facts, bool keepsContexts)
    {
        public int[] Facts { get; } = facts;
        public List<int> Matched { get; } = [];
        public Dictionary<int, int>? ContextByRight { get; } = keepsContexts ? [] : null;
    }

    /// <summary>One side's halves, indexed by fact, and those that share facts with the current row.</summary>
    private sealed class Half(bool keepsContexts)
    {
        private readonly Dictionary<int, List<SemiContext>> _byFact = [];
        private readonly Dictionary<int[], int> _ids = new(FactsComparer.Instance);

        public List<SemiContext> All { get; } = [];
        public List<SemiContext> Crossed { get; } = [];

        public void Cross(int[] facts)
        {
            foreach (var s in Crossed) s.Matched.Clear();
            Crossed.Clear();
            foreach (int f in facts)
            {
                if (!_byFact.TryGetValue(f, out var halves)) continue;
                foreach (var s in halves)
                {
                    if (s.Matched.Count == 0) Crossed.Add(s);
                    s.Matched.Add(f);
                }
            }
        }

        public int Add(int[] facts)
        {
            if (_ids.TryGetValue(facts, out int id)) return id;
            id = All.Count;
            _ids[facts] = id;
            var half = new SemiContext(facts, keepsContexts);
            All.Add(half);
            foreach (int f in facts)
            {
                if (!_byFact.TryGetValue(f, out var halves)) _byFact[f] = halves = [];
                halves.Add(half);
            }
            return id;
        }
    }

    private sealed class FactsComparer : IEqualityComparer<int[]>
    {
        public static readonly FactsComparer Instance = new();
        public bool Equals(int[]? x, int[]? y) => x.AsSpan().SequenceEqual(y);
        public int GetHashCode(int[] facts)
        {
            var h = new HashCode();
            foreach (int f in facts) h.Add(f);
            return h.ToHashCode();
        }
    }

    private sealed class FactPairComparer : IEqualityComparer<(int[] Left, int[] Right)>
    {
        public static readonly FactPairComparer Instance = new();
        public bool Equals((int[] Left, int[] Right) x, (int[] Left, int[] Right) y) =>
            FactsComparer.Instance.Equals(x.Left, y.Left) && FactsComparer.Instance.Equals(x.Right, y.Right);
        public int GetHashCode((int[] Left, int[] Right) p) =>
            HashCode.Combine(FactsComparer.Instance.GetHashCode(p.Left), FactsComparer.Instance.GetHashCode(p.Right));
    }
}
