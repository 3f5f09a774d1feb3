using System.Diagnostics;
using NovaOps.Datasets;
using NovaOps.Evaluation.Classification;
using NovaOps.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NovaOps.Training.Training;

public sealed record IncidentTrainingOptions
{
    /// <summary>Consecutive windows one prediction reads.</summary>
    public int SequenceWindows { get; init; } = 10;
    /// <summary>An incident starting within this time after the last window is a positive.</summary>
    public TimeSpan Horizon { get; init; } = TimeSpan.FromMinutes(15);
    public int Hidden { get; init; } = 32;
    public int Layers { get; init; } = 1;
    public RecurrentCell Cell { get; init; } = RecurrentCell.Gru;
    /// <summary>Cap on the positive class weight (negatives / positives): rare incidents weigh more, but not without bound.</summary>
    public double MaxPositiveWeight { get; init; } = 50;
    public TrainingOptions Training { get; init; } = new() { MaxEpochs = 30, Patience = 4 };
    /// <summary>The split's embargo is set to the horizon, so no training label looks into validation time.</summary>
    public SplitOptions Split { get; init; } = new();
}

public sealed record IncidentTrainingResult(
    IncidentRnn Model, FeatureStandardization Standardization, double Threshold,
    IReadOnlyDictionary<string, double> TestMetrics, IReadOnlyList<EpochReport> History, int BestEpoch,
    int TrainSamples, int ValidationSamples, int TestSamples, int TestPositives, TimeSpan Duration, string Split);

/// <summary>
/// Trains the incident predictor: each sample is a VM's last W windows, labelled by whether one of its
/// faults reaches onset within the horizon; windows inside an incident are left out (nothing left to
/// predict). Positives are weighted by the class ratio; early stopping keeps the epoch with the best
/// validation average precision; the threshold is the best-F1 one on validation.
/// </summary>
public static class IncidentTrainer
{
    public static IncidentTrainingResult Train(WindowDataset data, IncidentTrainingOptions options, IProgress<EpochReport>? progress = null, CancellationToken ct = default)
    {
        TorchRuntime.PinExactCpuKernels();
        var clock = Stopwatch.StartNew();
        var split = new DatasetSplit(data, options.Split with { Embargo = options.Horizon });
        int w = options.SequenceWindows;
        List<WindowRef> Samples(IEnumerable<WindowRef> refs) =>
            refs.Where(r => r.Window >= w - 1 && !data.Series[r.Series].Labels[r.Window].InIncident).ToList();
        bool Positive(WindowRef r) => data.Series[r.Series].Labels[r.Window].IncidentWithin(options.Horizon);

        var train = Samples(split.Train);
        var validation = Samples(split.Validation);
        var test = Samples(split.Test);
        int trainPositives = train.Count(Positive);
        if (trainPositives == 0) throw new ArgumentException("no incident onsets within the horizon in the training split: more faults or a longer span are needed (simulate more, or record longer)");
        if (validation.Count(Positive) == 0) throw new ArgumentException("no incident onsets in the validation split: more faults or a longer span are needed (simulate more, or record longer)");

        var standardization = FeatureStandardization.Fit(split.Train.Select(r => data.Series[r.Series].Features[r.Window]), data.FeatureCount);
        var rows = new StandardizedSeries(data, standardization);
        var o = options.Training;
        using var init = new Generator((ulong)o.Seed);
        var model = new IncidentRnn(data.FeatureCount, options.Hidden, options.Layers, options.Cell, init: init);
        double positiveWeight = Math.Min(options.MaxPositiveWeight, (train.Count - trainPositives) / (double)trainPositives);
        using var posWeight = tensor(new[] { (float)positiveWeight });
        var validationLabels = validation.Select(Positive).ToList();
        var (history, bestEpoch) = TrainingLoop.Run(model, train, o,
            batch =>
            {
                var x = Sequences(rows, batch, w);
                var y = tensor(batch.Select(r => Positive(r) ? 1f : 0f).ToArray());
                return nn.functional.binary_cross_entropy_with_logits(model.call(x), y, pos_weights: posWeight);
            },
            () => RankingMetrics.AveragePrecision(Probabilities(model, rows, validation, w), validationLabels),
            "validation PR-AUC", higherIsBetter: true, progress, ct);

        double threshold = RankingMetrics.BestF1Threshold(Probabilities(model, rows, validation, w), validationLabels);
        var testScores = Probabilities(model, rows, test, w);
        var testLabels = test.Select(Positive).ToList();
        var metrics = TrainingLoop.TestMetrics(testScores, testLabels, threshold);
        return new IncidentTrainingResult(model, standardization, threshold, metrics, history, bestEpoch,
            train.Count, validation.Count, test.Count, testLabels.Count(l => l), clock.Elapsed, (options.Split with { Embargo = options.Horizon }).Describe());
    }

    private static Tensor Sequences(StandardizedSeries rows, IReadOnlyList<WindowRef> refs, int length)
    {
        var buffer = new float[refs.Count * length * rows.Features];
        rows.GatherSequences(refs, length, buffer);
        return tensor(buffer).reshape(refs.Count, length, rows.Features);
    }

    internal static List<double> Probabilities(IncidentRnn model, StandardizedSeries rows, IReadOnlyList<WindowRef> refs, int length)
    {
        model.eval();
        var result = new List<double>(refs.Count);
        using var _ = no_grad();
        const int chunk = 2048;
        for (int start = 0; start < refs.Count; start += chunk)
        {
            using var scope = NewDisposeScope();
            var part = refs.Skip(start).Take(chunk).ToList();
            var p = model.call(Sequences(rows, part, length)).sigmoid();
            result.AddRange(p.data<float>().ToArray().Select(v => (double)v));
        }
        return result;
    }
}
