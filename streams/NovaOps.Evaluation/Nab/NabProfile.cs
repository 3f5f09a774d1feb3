namespace NovaOps.Evaluation.Nab;

/// <summary>Weights of one NAB scoring profile.</summary>
public sealed record NabProfile(string Name, double TpWeight, double FpWeight, double FnWeight)
{
    public static readonly IReadOnlyList<NabProfile> Defaults =
    [
        new("standard", 1.0, 0.11, 1.0),
        new("reward_low_FP_rate", 1.0, 0.22, 1.0),
        new("reward_low_FN_rate", 1.0, 0.11, 2.0),
    ];
}
