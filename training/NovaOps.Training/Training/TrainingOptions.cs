namespace NovaOps.Training.Training;

/// <summary>The optimisation loop shared by both models.</summary>
public sealed record TrainingOptions
{
    public int MaxEpochs { get; init; } = 40;
    public int BatchSize { get; init; } = 256;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Stop after this many epochs without a better validation figure; the best epoch's weights are kept.</summary>
    public int Patience { get; init; } = 5;
    /// <summary>Seeds libtorch's initialisation and the batch shuffling: the same data and seed give the same model.</summary>
    public int Seed { get; init; } = 7;
}

/// <summary>One epoch's figures, reported as training goes.</summary>
/// <param name="ValidationFigure">The early-stopping figure: validation loss (lower is better) or average precision (higher is better).</param>
public sealed record EpochReport(int Epoch, int MaxEpochs, double TrainLoss, double ValidationFigure, string FigureName, bool Improved);
