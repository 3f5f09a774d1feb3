using System.CommandLine;
using NovaOps.Cli.Bench;
using NovaOps.Placement;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops bench placement</c>: decisions/s, latency and packing of the placement engine vs plain first fit.</summary>
internal static class BenchPlacementCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var hosts = new Option<int>("--hosts") { Description = "Hosts in the synthetic fleet", DefaultValueFactory = _ => 100_000 };
        var requests = new Option<int>("--requests") { Description = "VMs to place", DefaultValueFactory = _ => 1_000_000 };
        var strategy = new Option<PlacementStrategy>("--strategy") { Description = "BestFit, Balanced or Spread", DefaultValueFactory = _ => PlacementStrategy.BestFit };
        var seed = new Option<int>("--seed") { Description = "Seed of the requests", DefaultValueFactory = _ => 42 };
        var json = CommonOptions.Json("the figures");
        var cmd = new Command("placement", "Placement decisions/s, p50/p99 latency and hosts used vs the packing lower bound and plain first fit") { hosts, requests, strategy, seed, json };
        cmd.SetAction(parse =>
        {
            int h = parse.GetValue(hosts), n = parse.GetValue(requests);
            if (h < 9 || n < 1) throw new CliException("--hosts must be at least 9 (one per zone) and --requests positive");
            PlacementBenchResult result = null!;
            console.Progress().Start(ctx =>
            {
                var task = ctx.AddTask($"placing {n:N0} VMs on {h:N0} hosts", maxValue: 1);
                result = PlacementBenchmark.Run(h, n, parse.GetValue(strategy), parse.GetValue(seed), p => task.Value = p);
            });
            var table = new Table().Title($"bench placement ({result.Strategy})").AddColumns("measure", "value", "goal")
                .AddRow("decisions/s (one thread)", $"{result.DecisionsPerSecond:N0}", "≥ 100,000")
                .AddRow("latency p50 / p99", $"{result.P50Microseconds:F1} µs / {result.P99Microseconds:F1} µs", "p99 < 1,000 µs")
                .AddRow("VMs placed", $"{result.Placed:N0} of {result.Requests:N0}", "")
                .AddRow("hosts used / lower bound", $"{result.HostsUsed:N0} / {result.LowerBound:N0} = {result.RatioToLowerBound:F3}", "≤ 1.05")
                .AddRow("first fit: hosts used / lower bound", $"{result.FirstFitHostsUsed:N0} / {(int)Math.Round(result.FirstFitHostsUsed / result.FirstFitRatio):N0} = {result.FirstFitRatio:F3} ({result.FirstFitPlaced:N0} placed)", "")
                .AddRow("first fit: decisions/s", $"{result.FirstFitDecisionsPerSecond:N0}", "");
            console.Write(table);
            JsonOutput.Write(parse.GetValue(json), result);
            return 0;
        });
        return cmd;
    }
}
