namespace NovaOps.Rca.Graph;

/// <summary>
/// Who calls whom: an edge caller → callee. A problem at a callee shows at its callers (a slow database
/// slows the services that query it), so the search for a cause walks from a symptom towards callees.
/// Cycles are allowed (services that call each other); every walk here terminates on them.
/// </summary>
public sealed class DependencyGraph
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _nodes = [];
    private readonly List<HashSet<int>> _callees = [], _callers = [];

    public IReadOnlyList<string> Nodes => _nodes;
    public int Count => _nodes.Count;
    public int EdgeCount => _callees.Sum(c => c.Count);

    public bool Contains(string node) => _index.ContainsKey(node);

    /// <summary>The node's index, adding it when new.</summary>
    public int Add(string node)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        if (_index.TryGetValue(node, out int i)) return i;
        i = _nodes.Count;
        _index[node] = i;
        _nodes.Add(node);
        _callees.Add([]);
        _callers.Add([]);
        return i;
    }

    /// <summary>Adds caller → callee (and both nodes). A self-call is ignored: it says nothing about propagation.</summary>
    public void AddCall(string caller, string callee)
    {
        int a = Add(caller), b = Add(callee);
        if (a == b) return;
        _callees[a].Add(b);
        _callers[b].Add(a);
    }

    /// <summary>The same nodes with no calls: how an application without a known call graph looks to the methods.</summary>
    public DependencyGraph WithoutCalls()
    {
        var g = new DependencyGraph();
        foreach (var node in _nodes) g.Add(node);
        return g;
    }

    public int IndexOf(string node) => _index.TryGetValue(node, out int i) ? i : throw new KeyNotFoundException($"node '{node}' is not in the dependency graph");

    public IReadOnlyCollection<int> Callees(int node) => _callees[node];
    public IReadOnlyCollection<int> Callers(int node) => _callers[node];

    /// <summary>Nodes reachable from <paramref name="from"/> along calls (itself included).</summary>
    public HashSet<int> Downstream(int from)
    {
        var seen = new HashSet<int> { from };
        var stack = new Stack<int>([from]);
        while (stack.Count > 0)
            foreach (int next in _callees[stack.Pop()])
                if (seen.Add(next)) stack.Push(next);
        return seen;
    }

    /// <summary>
    /// The shortest chain of calls from <paramref name="symptom"/> down to <paramref name="cause"/>,
    /// listed cause first (the way the problem travelled); empty when the symptom does not reach it.
    /// </summary>
    public IReadOnlyList<string> PathToSymptom(int cause, int symptom)
    {
        var previous = new Dictionary<int, int> { [symptom] = -1 };
        var queue = new Queue<int>([symptom]);
        while (queue.Count > 0)
        {
            int node = queue.Dequeue();
            if (node == cause)
            {
                var path = new List<string>();
                for (int at = cause; at >= 0; at = previous[at]) path.Add(_nodes[at]);
                return path;
            }
            foreach (int next in _callees[node])
                if (previous.TryAdd(next, node)) queue.Enqueue(next);
        }
        return [];
    }
}
