using System.CommandLine;
using NovaOps.Cli.Bench;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops bench scale</c>: a region of N VMs through the anomaly, RCA, remediation and placement services.</summary>
public static class BenchScaleCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var vms = new Option<int>("--vms") { Description = "VMs in the region", DefaultValueFactory = _ => 1_000_000 };
        var minutes = new Option<double>("--minutes") { Description = "Simulated minutes (one sample per VM per minute)", DefaultValueFactory = _ => 60 };
        var rate = new Option<double>("--rate") { Description = "Most samples/s the simulator publishes (0: as fast as the broker takes them)", DefaultValueFactory = _ => 0 };
        var partitions = new Option<int?>("--partitions") { Description = "Partitions per topic (default: one per 10,000 VMs, at least 12; the embedded broker keeps ~5 MiB a partition)" };
        var json = CommonOptions.Json("the figures");
        var cmd = new Command("scale", "A region of --vms VMs: the simulator publishing through the anomaly, RCA, remediation and placement services as separate processes; samples/s, lag over time, memory of each service")
            { vms, minutes, rate, partitions, json };
        cmd.SetAction(async (parse, ct) =>
        {
            int n = parse.GetValue(vms);
            double m = parse.GetValue(minutes);
            if (n < 1 || m < 1) throw new CliException("--vms must be positive and --minutes at least 1");
            int p = parse.GetValue(partitions) ?? Math.Max(12, n / 10_000);
            ScaleBenchResult result = null!;
            await console.Status().StartAsync("starting", async ctx =>
                result = await new ScaleBenchmark(settings).RunAsync(n, m, parse.GetValue(rate), p, s => ctx.Status(Markup.Escape(s)), ct));
            var table = new Table().Title($"bench scale: {result.Vms:N0} VMs, {result.SimulatedHours:0.##} simulated h").AddColumns("measure", "value", "goal");
            table.AddRow("samples scored / wall", $"{result.Samples:N0} in {result.WallSeconds:N0} s", "");
            table.AddRow("samples/s (anomaly app, sustained)", $"{result.SamplesPerSecond:N0}", "");
            table.AddRow("max lag (bound)", $"{result.MaxLag:N0} ({result.LagBound:N0})", result.LagBounded ? "[green]bounded[/]" : "[red]not bounded[/]");
            foreach (var (app, f) in result.Apps)
                table.AddRow($"{app}: memory (idle → end)", $"{f.IdleMemoryBytes / 1e6:N0} → {f.MemoryBytes / 1e6:N0} MB", $"{f.StateBytesPerVm:N0} B/VM");
            console.Write(table);
            JsonOutput.Write(parse.GetValue(json), result);
            if (result.Stopped is { } why)
            {
                console.MarkupLineInterpolated($"[red]stopped before the end:[/] {why}");
                return 1;
            }
            return 0;
        });
        return cmd;
    }
}
