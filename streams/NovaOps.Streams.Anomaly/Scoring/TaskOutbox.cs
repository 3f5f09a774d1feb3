namespace NovaOps.Streams.Anomaly.Scoring;

/// <summary>
/// One task's share of the thread's micro-batches: the results of its windows that another task's flush
/// scored, held until this task forwards them from its own processor context (Streamiz ties a forward to
/// the task that makes it: its partition, offsets and sinks). Touched by one stream thread only.
/// </summary>
internal sealed class TaskOutbox
{
    private readonly List<(string Key, ScoringOutput Output)> _outputs = [];
    private readonly List<string> _scored = [];
    private int _done;

    /// <summary>Windows and histories of this task added to a batch and not forwarded yet.</summary>
    public int Unforwarded { get; private set; }

    /// <summary>The task was closed (revoked, or the app stops): what its windows give is dropped, since the
    /// next owner of the partition scores them again from the state (<see cref="PendingWindow"/>).</summary>
    public bool Closed { get; private set; }

    public void Added() => Unforwarded++;

    public void Emit(string key, ScoringOutput output)
    {
        if (!Closed) _outputs.Add((key, output));
    }

    /// <summary>A window of <paramref name="vm"/> was scored (whatever it gave).</summary>
    public void Scored(string vm)
    {
        if (!Closed) _scored.Add(vm);
    }

    /// <summary>A batch item of this task is done; counted whether or not it emitted anything.</summary>
    public void Done()
    {
        if (!Closed) _done++;
    }

    /// <summary>Forwards what waits, in the order it was scored, then marks the scored VMs' windows done.</summary>
    public void Drain(Action<string, ScoringOutput> forward, Action<string> scored)
    {
        if (_done == 0) return;
        foreach (var (key, output) in _outputs) forward(key, output);
        foreach (var vm in _scored) scored(vm);
        _outputs.Clear();
        _scored.Clear();
        Unforwarded -= _done;
        _done = 0;
    }

    public void Close()
    {
        Closed = true;
        _outputs.Clear();
        _scored.Clear();
    }
}
