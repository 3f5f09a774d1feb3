using NovaOps.Cli;
using NovaOps.Cli.Bench;
using NovaOps.Models.Onnx;

namespace NovaOps.Cli.Tests;

/// <summary><c>bench inference</c> end to end on the embedded broker, small: figures for both models, consistent with each other.</summary>
public class BenchInferenceTests
{
    [Fact]
    public async Task Both_models_are_measured_standalone_and_inside_the_topology()
    {
        var settings = NovaOpsSettings.Load(); // stream threads: one per core, as the services run
        var result = await new InferenceBenchmark(settings).RunAsync(30_000, cluster: null, _ => { }, CancellationToken.None, rounds: 2);

        Assert.Equal(["anomaly-autoencoder/1", "incident-gru/1"], result.Models.Select(m => m.Model));
        Assert.Equal(2, result.Rounds);
        Assert.True(result.Windows > 1000, $"{result.Windows} windows");
        foreach (var m in result.Models)
        {
            Assert.Equal(["1", "64", "1024"], m.StandaloneByBatch.Keys);
            Assert.All(m.StandaloneByBatch.Values, rate => Assert.True(rate > 0));
            Assert.Equal(m.StandaloneByBatch.Values.Max(), m.StandalonePerSecond, 0);
            // Every window is scored by the anomaly model; the incident model scores the windows of VMs with a full history.
            Assert.True(m.InTopologyRows > 0 && m.InTopologyRows <= result.Windows, $"{m.Model}: {m.InTopologyRows} rows of {result.Windows} windows");
            Assert.True(m.InTopologyPerSecond > 0 && m.InTopologyScoringPerSecond > 0 && m.InTopologyScoringPerSecond <= m.InTopologyPerSecond, m.ToString());
            Assert.Equal(Math.Round(m.InTopologyPerSecond / m.StandalonePerSecond, 3), m.Ratio, 3);
            // Two rounds: the figures shown are those of the lower middle one.
            Assert.Equal(2, m.RatioRounds.Count);
            Assert.Equal(m.RatioRounds.Min(), m.Ratio);
            Assert.True(m.OnnxShareOfStreamCpu is > 0 and < 1, m.ToString());
            // The paced baseline runs the round's mean micro-batch, padded as the scorers pad, at the micro-batch delay.
            // (The mean is shown rounded to a tenth, so the batch is checked against the shapes on either side of it.)
            var paced = m.Paced;
            Assert.Equal(BatchShapes.Padded(paced.Batch), paced.Batch);
            Assert.InRange(paced.Batch, BatchShapes.Padded(Math.Max(1, (int)Math.Floor(m.InTopologyMeanBatch))), BatchShapes.Padded((int)Math.Ceiling(m.InTopologyMeanBatch)));
            Assert.Equal(settings.Anomaly.MicroBatch.MaxDelayMs, paced.IntervalMs);
            Assert.True(paced.PerSecond > 0, paced.ToString());
            Assert.Equal(Math.Round(m.InTopologyPerSecond / paced.PerSecond, 3), paced.Ratio, 2);
        }
        Assert.Equal(result.Windows, result.Models[0].InTopologyRows);
        var lowest = result.Models.MinBy(m => m.Ratio)!;
        Assert.Equal((lowest.Model, lowest.Ratio), (result.LowestRatioModel, result.Ratio));
    }
}
