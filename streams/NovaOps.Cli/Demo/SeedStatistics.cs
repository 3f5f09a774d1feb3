using System.Text.Json;

namespace NovaOps.Cli.Demo;

/// <summary>One figure over several seeds: mean, standard deviation and the half-width of its 95 % interval (Student's t).</summary>
public sealed record SeedStatistic(string Name, double Mean, double StandardDeviation, double HalfWidth95, int Runs);

/// <summary>
/// The demo's figures over several simulator seeds: every numeric field of the summaries that all runs have (a figure a
/// run could not measure, e.g. a delay with nothing detected, is left out of that figure's statistics by leaving the
/// runs that have it).
/// </summary>
public static class SeedStatistics
{
    // Two-sided 95 % quantiles of Student's t for 1..30 degrees of freedom; beyond, the normal's 1.96 is within 2 %.
    private static readonly double[] T95 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    public static double TQuantile95(int degreesOfFreedom) =>
        degreesOfFreedom < 1 ? double.NaN : degreesOfFreedom <= T95.Length ? T95[degreesOfFreedom - 1] : 1.96;

    public static SeedStatistic Of(string name, IReadOnlyList<double> values)
    {
        int n = values.Count;
        double mean = values.Average();
        double sd = n > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1)) : 0;
        return new SeedStatistic(name, mean, sd, n > 1 ? TQuantile95(n - 1) * sd / Math.Sqrt(n) : double.NaN, n);
    }

    /// <summary>Statistics of every numeric field of the summaries, in the summary's order; the seed itself left out.</summary>
    public static IReadOnlyList<SeedStatistic> Of(IReadOnlyList<DemoSummary> runs)
    {
        var docs = runs.Select(r => JsonSerializer.SerializeToElement(r)).ToList();
        var result = new List<SeedStatistic>();
        foreach (var property in docs[0].EnumerateObject())
        {
            if (property.Name is "seed" or "training_seed") continue;
            var values = docs.Select(d => d.GetProperty(property.Name)).Where(v => v.ValueKind == JsonValueKind.Number).Select(v => v.GetDouble()).ToList();
            if (values.Count > 0) result.Add(Of(property.Name, values));
        }
        return result;
    }

    /// <summary>The seeds of <c>--seeds</c>; null when it is not given.</summary>
    public static IReadOnlyList<int>? ParseSeeds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var seeds = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            seeds.Add(int.TryParse(part, out int s) ? s : throw new CliException($"--seeds: '{part}' is not a whole number"));
        if (seeds.Count < 2) throw new CliException("--seeds needs two seeds or more (one run: --seed)");
        if (seeds.Distinct().Count() != seeds.Count) throw new CliException("--seeds: a seed is given twice");
        if (seeds.Where(NovaOps.Simulator.SimulatorSeeds.IsTraining).ToList() is [var training, ..])
            throw new CliException($"--seeds: {training} is a training seed (the models learnt it); held-out seeds: {string.Join(",", NovaOps.Simulator.SimulatorSeeds.Evaluation)}");
        return seeds;
    }
}
