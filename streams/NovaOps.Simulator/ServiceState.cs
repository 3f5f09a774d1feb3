namespace NovaOps.Simulator;

/// <summary>What a VM's users get from it at a tick.</summary>
public enum ServiceState
{
    Up,
    /// <summary>Serving, slower or with more errors (a fault hurts its latency or errors).</summary>
    Degraded,
    /// <summary>Not serving: restarting, or on a dead host.</summary>
    Down,
}
