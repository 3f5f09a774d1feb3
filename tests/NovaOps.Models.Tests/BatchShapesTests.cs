using NovaOps.Models.Cards;
using NovaOps.Models.Onnx;
using NovaOps.Models.Registry;

namespace NovaOps.Models.Tests;

/// <summary>Batches are padded to a few shapes, and padding changes no row's result.</summary>
public class BatchShapesTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(64, 64)]
    [InlineData(65, 128)]
    [InlineData(129, 192)]
    [InlineData(1024, 1024)]
    [InlineData(1025, 1088)]
    public void Pads_to_powers_of_two_then_multiples_of_64(int rows, int padded) => Assert.Equal(padded, BatchShapes.Padded(rows));

    [Fact]
    public void Few_shapes_for_every_batch_size_up_to_1024() =>
        Assert.Equal(22, Enumerable.Range(1, 1024).Select(BatchShapes.Padded).Distinct().Count());

    [Fact]
    public void A_row_scores_the_same_alone_and_inside_a_padded_batch()
    {
        using var model = ModelLoader.Load(Path.Combine(ShippedModels.Directory, "anomaly-autoencoder", "1"), ModelKinds.Anomaly, ShippedModels.Running);
        var scorer = new AnomalyModelScorer(model);
        int f = model.Card.Features.Names.Count, metrics = model.Card.Features.Metrics.Count, n = 70; // pads to 128
        var rng = new Random(5);
        var rows = new float[n * f];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = model.Card.Standardization.Mean[i % f] + (float)(rng.NextDouble() * 4 - 2) * model.Card.Standardization.Std[i % f];
        var batchScores = new double[n];
        var batchShares = new double[n * metrics];
        scorer.Score(rows, batchScores, batchShares);
        for (int i = 0; i < n; i += 23)
        {
            var one = new double[1];
            var shares = new double[metrics];
            scorer.Score(rows.AsMemory(i * f, f), one, shares);
            Assert.Equal(one[0], batchScores[i], 6);
            Assert.Equal(shares, batchShares.AsSpan(i * metrics, metrics).ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
        }
    }
}

/// <summary>Models are run once for every padded shape when loaded, at start and when swapped in.</summary>
public class WarmUpTests
{
    [Fact]
    public void Sizes_are_every_padded_shape_up_to_the_largest_batch()
    {
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 192], BatchShapes.Sizes(150));
        Assert.Equal(Enumerable.Range(1, 512).Select(BatchShapes.Padded).Distinct(), BatchShapes.Sizes(512));
        Assert.Equal([1], BatchShapes.Sizes(1));
    }

    [Fact]
    public void The_registry_warms_up_every_shape_of_both_model_kinds_and_each_new_version()
    {
        using (var incidents = ModelRegistry.Open(new() { Directory = ShippedModels.Directory, Name = "incident-gru" }, ModelKinds.Incident, ShippedModels.Running,
            poll: false, warmUpRows: 100))
            Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128], incidents.Active.WarmShapes); // [n, 10, 32] sequences

        string root = ShippedModels.CopyToTemp("anomaly-autoencoder");
        try
        {
            using var registry = ModelRegistry.Open(new() { Directory = root, Name = "anomaly-autoencoder" }, ModelKinds.Anomaly, ShippedModels.Running,
                poll: false, warmUpRows: 512);
            Assert.Equal(BatchShapes.Sizes(512), registry.Active.WarmShapes);
            ShippedModels.CopyVersion(Path.Combine(root, "anomaly-autoencoder", "1"), Path.Combine(root, "anomaly-autoencoder", "2"));
            Assert.True(registry.Refresh());
            Assert.Equal("anomaly-autoencoder/2", registry.Active.Id);
            Assert.Equal(BatchShapes.Sizes(512), registry.Active.WarmShapes); // before it was swapped in
        }
        finally { Directory.Delete(root, true); }

        using var cold = ModelRegistry.Open(new() { Directory = ShippedModels.Directory, Name = "anomaly-autoencoder" }, ModelKinds.Anomaly, ShippedModels.Running, poll: false);
        Assert.Empty(cold.Active.WarmShapes);
    }
}
