using System.CommandLine;
using NovaOps.Broker;
using NovaOps.Chaos.Campaign;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary>
/// <c>novaops chaos</c>: a fault campaign against a region run as it runs in production (the embedded broker with its
/// fault injection, the four services as <c>novaops run</c> processes, a simulated fleet publishing), the invariants
/// checked after each fault.
/// </summary>
public static class ChaosCommand
{
    private static readonly string[] Apps = ["anomaly", "rca", "remediation", "placement"];

    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var names = ChaosScenarios.All(Apps).Select(s => s.Name).ToList();
        var scenario = new Option<string[]>("--scenario")
        {
            Description = $"Scenarios to run, in the campaign's order ({string.Join(", ", names)}) or all", DefaultValueFactory = _ => ["all"], AllowMultipleArgumentsPerToken = true,
        };
        var vms = new Option<int>("--vms") { Description = "VMs of the simulated fleet", DefaultValueFactory = _ => 200 };
        var rate = new Option<double>("--rate") { Description = "Telemetry records per second", DefaultValueFactory = _ => 1_000 };
        var json = CommonOptions.Json("the campaign's results");
        var cmd = new Command("chaos", "Fault campaign on the embedded broker with the real service processes: broker down, request errors, latency, kill -9 of each service, poison records; lost records, duplicate actions and recovery time per fault")
            { scenario, vms, rate, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var wanted = parse.GetValue(scenario)!;
            var all = ChaosScenarios.All(Apps);
            var chosen = wanted.Contains("all") ? all : [.. all.Where(s => wanted.Contains(s.Name))];
            foreach (var w in wanted.Where(w => w != "all" && !names.Contains(w))) throw new CliException($"unknown --scenario '{w}' (known: {string.Join(", ", names)}, all)");
            var options = new ChaosOptions { Vms = parse.GetValue(vms), RecordsPerSecond = parse.GetValue(rate) };
            var region = settings with { Kafka = settings.Kafka with { TopicPrefix = $"chaos-{Guid.NewGuid():N}"[..14], Partitions = options.Partitions, BootstrapServers = "" } };

            CampaignResult result = null!;
            await console.Status().StartAsync("starting the region", async ctx =>
            {
                using var cluster = new EmbeddedKafkaCluster();
                await RegionTopics.EnsureAsync(new EmbeddedTopicProvisioner(cluster), region, ct);
                await using var chaos = new ChaosRegion(cluster, region.Kafka.Topics, region.Anomaly.ApplicationId, Apps, (app, port) =>
                    // One state folder per service for the whole campaign: a restarted service finds what it left.
                    ServiceCommands.Run(app, port, cluster.BootstrapServers, region, Path.Combine(Path.GetTempPath(), $"{region.Kafka.TopicPrefix}-{app}"),
                        environment: new Dictionary<string, string> { ["NOVAOPS__STREAMS__SESSIONTIMEOUTMS"] = "6000", ["NOVAOPS__STREAMS__COMMITINTERVALMS"] = "1000" }),
                    options);
                await chaos.StartAsync(ct);
                result = await new ChaosCampaign(chaos).RunAsync(chosen, s => ctx.Status(Markup.Escape(s)), ct);
            });
            var table = new Table().Title($"chaos: {result.Scenarios.Count} faults, {options.Vms} VMs at {options.RecordsPerSecond:N0} records/s")
                .AddColumns("fault", "s", "in", "scored", "dead", "lost", "dup", "back (s)")
                .Caption("dead: dead-lettered with a reason; dup: actions executed twice; back: seconds until processing again");
            foreach (var r in result.Scenarios)
                table.AddRow(r.Held ? Markup.Escape(r.Scenario) : $"[red]{Markup.Escape(r.Scenario)}[/]", $"{r.DurationSeconds:N0}", $"{r.RecordsIn:N0}", $"{r.Scored:N0}", $"{r.DeadLettered:N0}",
                    $"{r.Lost:N0}", $"{r.DuplicateActions:N0}", r.RecoverySeconds is { } s ? $"{s:N1}" : "[red]none[/]");
            console.Write(table);
            foreach (var r in result.Scenarios.Where(r => r.ServicesDown.Count > 0))
                console.MarkupLineInterpolated($"[red]{r.Scenario}[/]: stopped: {string.Join("; ", r.ServicesDown)}");
            console.MarkupLine(result.Held ? "[green]every invariant held[/]" : "[red]an invariant did not hold[/]");
            JsonOutput.Write(parse.GetValue(json), result);
            return result.Held ? 0 : 1;
        });
        return cmd;
    }

}
