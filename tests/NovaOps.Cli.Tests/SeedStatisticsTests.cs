using NovaOps.Cli.Demo;

namespace NovaOps.Cli.Tests;

public class SeedStatisticsTests
{
    [Fact]
    public void Mean_spread_and_a_students_t_interval()
    {
        var s = SeedStatistics.Of("precision", [0.5, 0.6, 0.7, 0.8, 0.9]);
        Assert.Equal(0.7, s.Mean, 9);
        Assert.Equal(Math.Sqrt(0.025), s.StandardDeviation, 9);
        Assert.Equal(2.776 * Math.Sqrt(0.025) / Math.Sqrt(5), s.HalfWidth95, 9); // t(0.975, 4 df) = 2.776
        Assert.Equal(5, s.Runs);
        Assert.True(double.IsNaN(SeedStatistics.Of("one", [1.0]).HalfWidth95));
        Assert.Equal(1.96, SeedStatistics.TQuantile95(200));
    }

    [Fact]
    public void Seeds_are_whole_distinct_held_out_numbers()
    {
        Assert.Null(SeedStatistics.ParseSeeds(null));
        Assert.Equal([101, 102, 103], SeedStatistics.ParseSeeds("101, 102,103"));
        Assert.Contains("not a whole number", Assert.Throws<CliException>(() => SeedStatistics.ParseSeeds("101,x")).Message);
        Assert.Contains("two seeds or more", Assert.Throws<CliException>(() => SeedStatistics.ParseSeeds("101")).Message);
        Assert.Contains("given twice", Assert.Throws<CliException>(() => SeedStatistics.ParseSeeds("101,101")).Message);
        Assert.Contains("42 is a training seed", Assert.Throws<CliException>(() => SeedStatistics.ParseSeeds("101,42")).Message);
    }
}
