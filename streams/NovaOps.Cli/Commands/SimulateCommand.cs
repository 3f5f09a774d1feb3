using System.CommandLine;
using NovaOps.Broker;
using NovaOps.Simulator;
using NovaOps.Simulator.Emit;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;
using NovaOps.Streams.Anomaly;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops simulate</c>: publish a simulated fleet's telemetry and fault labels to a Kafka cluster.</summary>
internal static class SimulateCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var bootstrap = CommonOptions.ExistingBootstrapServers();
        var vms = new Option<int>("--vms") { Description = "VMs in the simulated fleet", DefaultValueFactory = _ => 1000 };
        var ticks = new Option<long>("--ticks") { Description = "Samples per VM (simulated time = ticks x 10 s)", DefaultValueFactory = _ => 360 };
        var rate = new Option<double>("--rate") { Description = "Records per second; 0 = as fast as the broker takes them", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Simulator seed", DefaultValueFactory = _ => 42 };
        var malformed = new Option<int>("--malformed-per-million") { Description = "Bad records to mix in, per million", DefaultValueFactory = _ => 0 };
        var cmd = new Command("simulate", "Publish a simulated fleet's telemetry (and fault ground truth) to Kafka") { bootstrap, vms, ticks, rate, seed, malformed };
        cmd.SetAction(async (parse, ct) =>
        {
            var kafka = CommonOptions.RequiredKafka(parse.GetValue(bootstrap), settings);
            long n = parse.GetValue(ticks);
            if (parse.GetValue(vms) < 1 || n < 1) throw new CliException("--vms and --ticks must be positive");
            var topics = settings.Kafka.Topics;
            await RegionTopics.EnsureAsync(new AdminTopicProvisioner(kafka), settings, ct);
            var fleet = new FleetLayout(new SimulatorOptions { Seed = parse.GetValue(seed), Vms = parse.GetValue(vms) }.EndingAt(DateTimeOffset.UtcNow, n));
            var emitter = new TelemetryEmitter(new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, n)), topics, kafka,
                new EmitterOptions { Ticks = n, RecordsPerSecond = parse.GetValue(rate), MalformedPerMillion = parse.GetValue(malformed) });
            await console.Progress().StartAsync(async ctx =>
            {
                var task = ctx.AddTask($"publishing to {topics.Telemetry}", maxValue: n);
                var run = emitter.RunAsync(ct);
                while (!run.IsCompleted)
                {
                    task.Value = emitter.Progress.Ticks;
                    await Task.WhenAny(run, Task.Delay(200, ct));
                }
                await run;
                task.Value = n;
            });
            var p = emitter.Progress;
            console.MarkupLineInterpolated($"published {p.Records:N0} records ({p.Malformed} malformed), {p.FaultsStarted} faults, {p.DeliveryErrors} delivery errors");
            Console.WriteLine($"PUBLISHED={p.Records}");
            return p.DeliveryErrors == 0 ? 0 : 1;
        });
        return cmd;
    }
}
