using NovaOps.Detection.Offline;
using NovaOps.Detection.Subspace;

namespace NovaOps.Detection.Tests;

public class SubspaceDetectorTests
{
    [Fact]
    public void Eigen_decomposition_rebuilds_the_matrix_with_orthonormal_vectors_in_descending_order()
    {
        var rng = new Random(5);
        const int n = 7;
        var b = new double[n * n];
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() - 0.5;
        var a = new double[n * n]; // BᵀB: symmetric, positive semi-definite
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++) a[i * n + j] += b[k * n + i] * b[k * n + j];
        var copy = (double[])a.Clone();
        var values = new double[n];
        var vectors = new double[n * n];

        SymmetricEigen.Decompose(copy, n, values, vectors);

        for (int i = 1; i < n; i++) Assert.True(values[i - 1] >= values[i]);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double rebuilt = 0, dot = 0;
                for (int c = 0; c < n; c++) rebuilt += vectors[i * n + c] * values[c] * vectors[j * n + c];
                for (int k = 0; k < n; k++) dot += vectors[k * n + i] * vectors[k * n + j];
                Assert.Equal(a[i * n + j], rebuilt, 9);
                Assert.Equal(i == j ? 1 : 0, dot, 9);
            }
    }

    private static double[] Rows(int count, int seed, Func<int, Random, double[]> row)
    {
        var rng = new Random(seed);
        var scorer = new SeriesScorer(s => new SubspaceDetector(s), ["a", "b", "c"]);
        return [.. Enumerable.Range(0, count).Select(i => scorer.Next(60_000L * i, row(i, rng)))];
    }

    private static double[] Related(int i, Random rng)
    {
        double x = rng.NextDouble();
        return [x, 2 * x + rng.NextDouble() * 0.05, rng.NextDouble()];
    }

    [Fact]
    public void A_row_that_breaks_the_learnt_relation_scores_above_every_normal_row()
    {
        var scores = Rows(800, 1, (i, rng) => i == 700 ? [0.9, 0.1, 0.5] : Related(i, rng));
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        Assert.Equal(700, Array.IndexOf(scores, scores.Max()));
        Assert.True(scores[700] > 0.5, $"the broken row scores {scores[700]:F3}");
    }

    [Fact]
    public void A_rows_score_never_depends_on_later_rows()
    {
        // Two runs that share their first 500 rows and then differ wildly: the first 500 scores must be identical.
        var a = Rows(700, 2, (i, rng) => Related(i, rng));
        var b = Rows(700, 2, (i, rng) => i < 500 ? Related(i, rng) : [rng.NextDouble() * 100, -5, 3]);
        Assert.Equal(a.Take(500), b.Take(500));
        Assert.NotEqual(a.Skip(500), b.Skip(500));
    }

    [Fact]
    public void State_is_a_few_hundred_bytes_for_a_vms_six_metrics()
    {
        var d = new SubspaceDetector(new FeatureSchema(["cpu", "mem", "disk", "net", "latency", "errors"]));
        Assert.True(d.StateLength * sizeof(double) <= 720, $"{d.StateLength * sizeof(double)} bytes");
    }
}
