using System.Diagnostics;
using NovaOps.Datasets;
using NovaOps.Evaluation.Classification;
using NovaOps.Models.Calibration;
using NovaOps.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NovaOps.Training.Training;

public sealed record AnomalyTrainingOptions
{
    /// <summary>Encoder widths down to the bottleneck; the decoder mirrors them.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [24, 8];
    public TrainingOptions Training { get; init; } = new();
    public SplitOptions Split { get; init; } = new();
}

public sealed record AnomalyTrainingResult(
    Autoencoder Model, FeatureStandardization Standardization, EmpiricalCdf Calibration, double Threshold,
    IReadOnlyDictionary<string, double> TestMetrics, IReadOnlyList<EpochReport> History, int BestEpoch,
    int TrainSamples, int ValidationSamples, int TestSamples, int TestPositives, TimeSpan Duration, string Split);

/// <summary>
/// Trains the anomaly autoencoder on normal training windows only (faulty ones would teach it to
/// reconstruct faults), stops early on the normal validation windows' loss, calibrates its error on
/// them, picks the score threshold with the best F1 on all validation windows, and reports on the test
/// split (held-out VMs, later time).
/// </summary>
public static class AnomalyTrainer
{
    public static AnomalyTrainingResult Train(WindowDataset data, AnomalyTrainingOptions options, IProgress<EpochReport>? progress = null, CancellationToken ct = default)
    {
        TorchRuntime.PinExactCpuKernels();
        var clock = Stopwatch.StartNew();
        var split = new DatasetSplit(data, options.Split);
        List<WindowRef> Normal(IEnumerable<WindowRef> refs) => refs.Where(r => !data.Series[r.Series].Labels[r.Window].Faulty).ToList();
        var train = Normal(split.Train);
        var validationNormal = Normal(split.Validation);
        if (train.Count == 0) throw new ArgumentException("no normal windows to train on");
        if (validationNormal.Count < 2) throw new ArgumentException("too few normal validation windows to stop early and calibrate");

        var standardization = FeatureStandardization.Fit(train.Select(r => data.Series[r.Series].Features[r.Window]), data.FeatureCount);
        var rows = new StandardizedSeries(data, standardization);
        var o = options.Training;
        using var init = new Generator((ulong)o.Seed);
        var model = new Autoencoder(data.FeatureCount, options.Hidden, init: init);
        var (history, bestEpoch) = TrainingLoop.Run(model, train, o,
            batch => { var x = Batch(rows, batch); return nn.functional.mse_loss(model.call(x), x); },
            () => Errors(model, rows, validationNormal).Average(), "validation loss", higherIsBetter: false, progress, ct);

        var calibration = EmpiricalCdf.Fit(Errors(model, rows, validationNormal));
        double Score(double e) => calibration.Score(e);
        bool Faulty(WindowRef r) => data.Series[r.Series].Labels[r.Window].Faulty;

        var validationScores = Errors(model, rows, split.Validation).Select(Score).ToList();
        double threshold = RankingMetrics.BestF1Threshold(validationScores, split.Validation.Select(Faulty).ToList());
        if (!double.IsFinite(threshold)) threshold = 0.99; // no faulty validation window: flag the top 1% of normal

        var testScores = Errors(model, rows, split.Test).Select(Score).ToList();
        var testLabels = split.Test.Select(Faulty).ToList();
        var metrics = TrainingLoop.TestMetrics(testScores, testLabels, threshold);
        return new AnomalyTrainingResult(model, standardization, calibration, threshold, metrics, history, bestEpoch,
            train.Count, validationNormal.Count, split.Test.Count, testLabels.Count(l => l), clock.Elapsed, options.Split.Describe());
    }

    private static Tensor Batch(StandardizedSeries rows, IReadOnlyList<WindowRef> refs)
    {
        var buffer = new float[refs.Count * rows.Features];
        rows.GatherRows(refs, buffer);
        return tensor(buffer).reshape(refs.Count, rows.Features);
    }

    /// <summary>Mean squared reconstruction error (standardised units) of each window.</summary>
    internal static List<double> Errors(Autoencoder model, StandardizedSeries rows, IReadOnlyList<WindowRef> refs)
    {
        model.eval();
        var errors = new List<double>(refs.Count);
        using var _ = no_grad();
        const int chunk = 4096;
        for (int start = 0; start < refs.Count; start += chunk)
        {
            using var scope = NewDisposeScope();
            var part = refs.Skip(start).Take(chunk).ToList();
            var x = Batch(rows, part);
            var e = (model.call(x) - x).square().mean([1]);
            errors.AddRange(e.data<float>().ToArray().Select(v => (double)v));
        }
        return errors;
    }
}
