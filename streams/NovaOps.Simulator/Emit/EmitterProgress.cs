namespace NovaOps.Simulator.Emit;

/// <summary>Live counters of an emitter, safe to read from another thread (the live view).</summary>
public sealed class EmitterProgress
{
    private long _records, _ticks, _faults, _deliveryErrors, _simulatedMs, _malformed, _commands, _resolved, _refused, _failed, _stalls;

    public long Records => Interlocked.Read(ref _records);
    public long Ticks => Interlocked.Read(ref _ticks);
    public long FaultsStarted => Interlocked.Read(ref _faults);
    public long DeliveryErrors => Interlocked.Read(ref _deliveryErrors);
    public long SimulatedMs => Interlocked.Read(ref _simulatedMs);
    public long Malformed => Interlocked.Read(ref _malformed);
    public long CommandsApplied => Interlocked.Read(ref _commands);
    /// <summary>Ticks that ran before the commands topic could be read to its end (<see cref="EmitterOptions.CommandWait"/> passed).</summary>
    public long CommandStalls => Interlocked.Read(ref _stalls);
    public long FaultsResolvedByActions => Interlocked.Read(ref _resolved);
    /// <summary>Commands the fleet could not carry out (an unknown target, no host to move to).</summary>
    public long CommandsRefused => Interlocked.Read(ref _refused);
    /// <summary>Actions (or one VM's part of a drain) that ran and did not take effect.</summary>
    public long ActionsFailed => Interlocked.Read(ref _failed);

    internal void AddRecords(long n) => Interlocked.Add(ref _records, n);
    internal void Tick(long simulatedMs) { Interlocked.Increment(ref _ticks); Interlocked.Exchange(ref _simulatedMs, simulatedMs); }
    internal void MalformedSent() => Interlocked.Increment(ref _malformed);
    internal void FaultStarted() => Interlocked.Increment(ref _faults);
    internal void CommandApplied() => Interlocked.Increment(ref _commands);
    internal void CommandStalled() => Interlocked.Increment(ref _stalls);
    internal void FaultResolved() => Interlocked.Increment(ref _resolved);
    internal void CommandRefused() => Interlocked.Increment(ref _refused);
    internal void CommandFailed() => Interlocked.Increment(ref _failed);
    internal void DeliveryError() => Interlocked.Increment(ref _deliveryErrors);
}
