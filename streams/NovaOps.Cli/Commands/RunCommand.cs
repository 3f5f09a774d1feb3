using System.CommandLine;
using NovaOps.Broker;
using NovaOps.Observability;
using NovaOps.Streams.Anomaly;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops run anomaly|rca</c>: a stream app as a long-running service, until Ctrl-C or SIGTERM.</summary>
internal static class RunCommand
{
    public static Command Create(NovaOpsSettings settings)
    {
        var bootstrap = CommonOptions.BootstrapServers();
        bootstrap.Description = "Kafka bootstrap servers (a real Kafka, or the one `novaops broker` printed)";
        var detector = CommonOptions.Detector();
        var anomaly = new Command("anomaly", "Run the anomaly topology against a Kafka cluster, serving /metrics") { bootstrap, detector };
        anomaly.SetAction(async (parse, ct) =>
        {
            string servers = CommonOptions.RequiredBootstrapServers(parse.GetValue(bootstrap), settings);
            var topics = settings.Kafka.Topics;
            await RegionTopics.EnsureAsync(new AdminTopicProvisioner(servers), settings, ct);
            var metrics = new PipelineMetrics("anomaly");
            using var endpoint = new MetricsEndpoint(settings.Metrics, metrics.Registry);
            await using var app = new AnomalyApp(servers, topics, CommonOptions.WithDetector(settings, parse.GetValue(detector)), settings.Streams,
                DetectorChoice.Statistical(settings.Anomaly.Statistical), metrics);
            await app.StartAsync(ct);
            using var lag = new ConsumerLagProbe(servers, app.Positions, metrics);
            AnsiConsole.MarkupLineInterpolated($"anomaly app [bold]{settings.Anomaly.ApplicationId}[/] running on {topics.Telemetry} ({app.ActiveModel ?? "statistical detector"}); metrics on {endpoint.Url ?? "(off)"}");
            Console.WriteLine("RUNNING");
            Console.Out.Flush();
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), ct);
                    try { lag.Measure(TimeSpan.FromSeconds(5)); } catch (Confluent.Kafka.KafkaException) { }
                }
            }
            catch (OperationCanceledException) { }
            return 0;
        });
        var rcaBootstrap = CommonOptions.BootstrapServers();
        rcaBootstrap.Description = bootstrap.Description;
        var rca = new Command("rca", "Run the RCA topology (anomalies and predictions → incidents → root-causes) against a Kafka cluster, serving /metrics") { rcaBootstrap };
        rca.SetAction(async (parse, ct) =>
        {
            string servers = CommonOptions.RequiredBootstrapServers(parse.GetValue(rcaBootstrap), settings);
            var topics = settings.Kafka.Topics;
            await RegionTopics.EnsureAsync(new AdminTopicProvisioner(servers), settings, ct);
            var metrics = new PipelineMetrics("rca");
            using var endpoint = new MetricsEndpoint(settings.Metrics, metrics.Registry);
            await using var app = new NovaOps.Streams.Rca.RcaApp(servers, topics, settings.Rca, settings.Streams, metrics);
            await app.StartAsync(ct);
            AnsiConsole.MarkupLineInterpolated($"RCA app [bold]{settings.Rca.ApplicationId}[/] running on {topics.Anomalies} → {topics.RootCauses} ({settings.Rca.Method}); metrics on {endpoint.Url ?? "(off)"}");
            Console.WriteLine("RUNNING");
            Console.Out.Flush();
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { }
            return 0;
        });
        return new Command("run", "Run a NovaOps stream app as a service") { anomaly, rca };
    }
}
