using NovaOps.Datasets;
using NovaOps.Evaluation.Classification;
using TorchSharp;
using static TorchSharp.torch;

namespace NovaOps.Training.Training;

/// <summary>The optimisation loop both trainers share: seeded shuffles, Adam, early stopping on a validation figure.</summary>
internal static class TrainingLoop
{
    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="train"/> until the validation figure stops
    /// improving for <see cref="TrainingOptions.Patience"/> epochs, then puts the best epoch's weights back
    /// and leaves the model in eval mode.
    /// </summary>
    public static (List<EpochReport> History, int BestEpoch) Run(nn.Module model, IReadOnlyList<WindowRef> train, TrainingOptions o,
        Func<IReadOnlyList<WindowRef>, Tensor> batchLoss, Func<double> validate, string figureName, bool higherIsBetter,
        IProgress<EpochReport>? progress, CancellationToken ct)
    {
        using var optimizer = new AdamOptimizer(model.parameters(), o.LearningRate);
        using var stopping = new EarlyStopping(model, o.Patience, higherIsBetter);
        var shuffle = new Random(o.Seed);
        var order = train.ToArray();
        var history = new List<EpochReport>();
        for (int epoch = 1; epoch <= o.MaxEpochs && !ct.IsCancellationRequested; epoch++)
        {
            model.train();
            shuffle.Shuffle(order);
            double lossSum = 0;
            for (int start = 0; start < order.Length; start += o.BatchSize)
            {
                optimizer.ZeroGrad();
                var batch = new ArraySegment<WindowRef>(order, start, Math.Min(o.BatchSize, order.Length - start));
                using (NewDisposeScope())
                {
                    var loss = batchLoss(batch);
                    loss.backward();
                    lossSum += loss.item<float>() * batch.Count;
                }
                optimizer.Step();
            }
            double figure = validate();
            bool improved = stopping.Observe(epoch, figure);
            var report = new EpochReport(epoch, o.MaxEpochs, lossSum / order.Length, figure, figureName, improved);
            history.Add(report);
            progress?.Report(report);
            if (stopping.ShouldStop) break;
        }
        stopping.RestoreBest();
        model.eval();
        return (history, stopping.BestEpoch);
    }

    /// <summary>The test-split figures written on a model card.</summary>
    public static Dictionary<string, double> TestMetrics(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, double threshold)
    {
        var (precision, recall) = RankingMetrics.At(scores, labels, threshold);
        var metrics = new Dictionary<string, double>
        {
            ["pr_auc"] = RankingMetrics.AveragePrecision(scores, labels),
            ["roc_auc"] = RankingMetrics.RocAuc(scores, labels),
            ["precision"] = precision,
            ["recall"] = recall,
            ["positive_rate"] = labels.Count(l => l) / (double)Math.Max(1, labels.Count),
        };
        // A test split without positives (a small run) has no PR-AUC or ROC-AUC: leave them off the card
        // rather than write a NaN no JSON reader accepts; the card's test_positives says why.
        foreach (var key in metrics.Where(kv => !double.IsFinite(kv.Value)).Select(kv => kv.Key).ToList()) metrics.Remove(key);
        return metrics;
    }
}
