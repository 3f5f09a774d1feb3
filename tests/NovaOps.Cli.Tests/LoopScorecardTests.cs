using NovaOps.Cli.Demo;
using NovaOps.Evaluation.Statistics;

namespace NovaOps.Cli.Tests;

/// <summary>The closed loop's scorecard over seeds: intervals and quantiles as stated.</summary>
public class LoopScorecardTests
{
    [Fact]
    public void Wilson_intervals_hold_the_rate_and_stay_within_zero_and_one()
    {
        var i = Proportion.Wilson(45, 50);
        Assert.InRange(0.9, i.Low, i.High);
        Assert.Equal(0.7864, i.Low, 3); // Wilson's 95 % interval for 45 of 50
        Assert.Equal(0.9565, i.High, 3);
        Assert.Equal(0, Proportion.Wilson(0, 30).Low);
        Assert.Equal(1, Proportion.Wilson(30, 30).High);
        Assert.Equal(new Interval95(0, 1), Proportion.Wilson(0, 0));
    }

    [Fact]
    public void Quantiles_are_nearest_rank_and_nines_are_capped()
    {
        var sorted = Enumerable.Range(1, 100).Select(i => (double)i).ToList();
        Assert.Equal(50, Quantile.NearestRank(sorted, 0.5));
        Assert.Equal(99, Quantile.NearestRank(sorted, 0.99));
        Assert.Null(Quantile.NearestRank([], 0.5));
        Assert.Equal(4, LoopScorecard.Nines(0.9999));
        Assert.Equal(9, LoopScorecard.Nines(1));
    }
}

/// <summary><c>novaops eval loop</c> end to end: the same seeds with and without the executor, on the embedded broker.</summary>
public class EvalLoopCommandTests
{
    [Fact]
    public async Task Two_seeds_on_and_off_give_the_scorecard_with_every_key()
    {
        var settings = NovaOpsSettings.Load() with { Metrics = new NovaOps.Observability.MetricsOptions { Port = 0 } };
        var json = Path.Combine(Path.GetTempPath(), $"novaops-loop-{Guid.NewGuid():N}.json");
        var console = new Spectre.Console.Testing.TestConsole();
        console.Profile.Width = 80;
        int exit = await NovaOps.Cli.Commands.EvalLoopCommand.Create(settings, console)
            .Parse(["--seeds", "101,102", "--vms", "100", "--hours", "2", "--rate", "20000", "--json", json])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false }, TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);

        var card = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        foreach (string key in (string[])["seeds", "faults", "availability", "impaired_vm_seconds_on", "impaired_vm_seconds_off", "automation_rate",
            "harmful_action_share", "decide_p50_s", "decide_p99_s", "mttr_parts", "prevented", "interval95", "per_seed"])
            Assert.True(card.TryGetProperty(key, out _), $"no {key}");
        Assert.Equal([101, 102], card.GetProperty("seeds").EnumerateArray().Select(s => s.GetInt32()));
        Assert.True(card.GetProperty("faults").GetInt32() >= 4, $"{card.GetProperty("faults")} faults");
        foreach (var tier in card.GetProperty("availability").EnumerateObject())
        {
            Assert.InRange(tier.Value.GetProperty("on").GetDouble(), 0.5, 1);
            Assert.InRange(tier.Value.GetProperty("off").GetDouble(), 0.5, 1);
        }
        Assert.True(card.GetProperty("impaired_vm_seconds_off").GetDouble() > 0); // faults hurt the fleet left to the on-call
        foreach (var kind in card.GetProperty("mttr_parts").EnumerateObject())
        {
            var p = kind.Value;
            double sum = p.GetProperty("detect_s").GetDouble() + p.GetProperty("decide_s").GetDouble() + p.GetProperty("act_s").GetDouble() + p.GetProperty("recover_s").GetDouble();
            Assert.Equal(p.GetProperty("total_s").GetDouble(), sum, 0.5); // rounded parts add up to the total
        }
        Assert.All(console.Output.Split('\n'), line => Assert.True(line.TrimEnd().Length <= 80, $"wider than 80 columns: {line}"));
        File.Delete(json);
    }

    [Theory]
    [InlineData("--vms", "0", "--vms")]
    [InlineData("--hours", "-1", "--hours")]
    [InlineData("--seeds", "42,101", "training seed")]
    [InlineData("--seeds", "101", "two seeds")]
    public async Task Bad_arguments_are_refused_with_what_is_wrong_before_any_run(string option, string value, string message)
    {
        var e = await Assert.ThrowsAsync<CliException>(() => NovaOps.Cli.Commands.EvalLoopCommand.Create(NovaOpsSettings.Load(), new Spectre.Console.Testing.TestConsole())
            .Parse([option, value]).InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false }, TestContext.Current.CancellationToken));
        Assert.Contains(message, e.Message);
    }
}
