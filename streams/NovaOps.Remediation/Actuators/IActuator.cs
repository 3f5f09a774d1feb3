using NovaOps.Contracts;

namespace NovaOps.Remediation.Actuators;

/// <summary>What an actuator is asked to do: one action on one target, or its undo.</summary>
public sealed record ActionCommand(string ActionId, ActionKind Kind, string Target, NodeKind TargetKind, IReadOnlyDictionary<string, string> Parameters,
    bool Undo, string Reason, long AtMs);

/// <summary>How an action went: succeeded or not, after how many attempts, and the last error.</summary>
public sealed record ActuatorResult(bool Succeeded, int Attempts, string? Error = null)
{
    public static ActuatorResult Ok(int attempts = 1) => new(true, attempts);
    public static ActuatorResult Failed(int attempts, string error) => new(false, attempts, error);
}

/// <summary>
/// Applies actions to the fleet: the fleet simulator, a webhook of the cloud's control plane, a pager. An
/// actuator retries what is worth retrying itself and reports failure as a result, never by throwing: the
/// executor escalates a failure, it must not lose it.
/// </summary>
public interface IActuator
{
    Task<ActuatorResult> ExecuteAsync(ActionCommand command, CancellationToken ct);
}
