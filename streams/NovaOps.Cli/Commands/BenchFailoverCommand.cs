using System.CommandLine;
using NovaOps.Cli.Bench;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops bench failover</c>: time and quality of a zone evacuation plan.</summary>
internal static class BenchFailoverCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var zoneVms = new Option<int>("--zone-vms") { Description = "VMs in the failing zone (and in each of the two others)", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the VMs", DefaultValueFactory = _ => 42 };
        var json = CommonOptions.Json("the figures");
        var cmd = new Command("failover", "Plan time, moves and VMs left unplaced when a zone of --zone-vms VMs fails, vs plain first fit") { zoneVms, seed, json };
        cmd.SetAction(parse =>
        {
            int n = parse.GetValue(zoneVms);
            if (n < 1) throw new CliException("--zone-vms must be positive");
            FailoverBenchResult result = null!;
            console.Status().Start("starting", ctx => result = FailoverBenchmark.Run(n, parse.GetValue(seed), s => ctx.Status(s)));
            var table = new Table().Title("bench failover").AddColumns("measure", "value", "goal")
                .AddRow("VMs in the failing zone", $"{result.ZoneVms:N0}", "")
                .AddRow("plan time", $"{result.PlanMilliseconds:N1} ms", "< 100 ms")
                .AddRow("moves / cross-region", $"{result.Moves:N0} / {result.CrossRegionMoves:N0}", "")
                .AddRow("left unplaced (platinum)", $"{result.Unplaced:N0} ({result.UnplacedPlatinum:N0})", "")
                .AddRow("first fit: time / unplaced (platinum)", $"{result.FirstFitMilliseconds:N1} ms / {result.FirstFitUnplaced:N0} ({result.FirstFitUnplacedPlatinum:N0})", "");
            foreach (var (reason, count) in result.UnplacedByReason) table.AddRow($"  unplaced: {Markup.Escape(reason)}", $"{count:N0}", "");
            console.Write(table);
            JsonOutput.Write(parse.GetValue(json), result);
            return 0;
        });
        return cmd;
    }
}
