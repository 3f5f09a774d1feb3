using System.CommandLine;
using NovaOps.Broker;
using NovaOps.Streams.Anomaly;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops broker</c>: the embedded Kafka for other processes, until Ctrl-C.</summary>
internal static class BrokerCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var brokers = new Option<int>("--brokers") { Description = "Brokers in the cluster", DefaultValueFactory = _ => 3 };
        var cmd = new Command("broker", "Start the embedded 3-broker Kafka on 127.0.0.1, create the topics, run until Ctrl-C") { brokers };
        cmd.SetAction(async (parse, ct) =>
        {
            using var cluster = new EmbeddedKafkaCluster(new EmbeddedKafkaOptions { Brokers = parse.GetValue(brokers) });
            var specs = RegionTopics.Specs(settings);
            await new EmbeddedTopicProvisioner(cluster).EnsureTopicsAsync(specs, ct);
            console.MarkupLineInterpolated($"bootstrap servers: [bold]{cluster.BootstrapServers}[/]");
            foreach (var t in specs) console.MarkupLineInterpolated($"  topic {t.Name} ({t.Partitions} partitions)");
            // Plain line for scripts: `novaops broker | grep -m1 ^BOOTSTRAP=`.
            Console.WriteLine($"BOOTSTRAP={cluster.BootstrapServers}");
            Console.Out.Flush();
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { }
            return 0;
        });
        return cmd;
    }
}
