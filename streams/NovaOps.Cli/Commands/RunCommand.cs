using System.CommandLine;
using NovaOps.Broker;
using NovaOps.Observability;
using NovaOps.Streams.Anomaly;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops run anomaly|rca|remediation</c>: a NovaOps app as a long-running service, until Ctrl-C or SIGTERM.</summary>
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
            return await Running($"anomaly app [bold]{settings.Anomaly.ApplicationId}[/] running on {topics.Telemetry} ({app.ActiveModel ?? "statistical detector"}); metrics on {endpoint.Url ?? "(off)"}",
                () => { try { lag.Measure(TimeSpan.FromSeconds(5)); } catch (Confluent.Kafka.KafkaException) { } }, ct);
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
            return await Running($"RCA app [bold]{settings.Rca.ApplicationId}[/] running on {topics.Anomalies} → {topics.RootCauses} ({settings.Rca.Method}); metrics on {endpoint.Url ?? "(off)"}", null, ct);
        });
        return new Command("run", "Run a NovaOps app as a service") { anomaly, rca, Remediation(settings), Placement(settings) };
    }

    private static Command Placement(NovaOpsSettings settings)
    {
        var bootstrap = CommonOptions.BootstrapServers();
        bootstrap.Description = "Kafka bootstrap servers (a real Kafka, or the one `novaops broker` printed)";
        var cmd = new Command("placement", "Run the placement service: hosts (inventory), placement requests and predictions → placement responses") { bootstrap };
        cmd.SetAction(async (parse, ct) =>
        {
            string servers = CommonOptions.RequiredBootstrapServers(parse.GetValue(bootstrap), settings);
            var topics = settings.Kafka.Topics;
            await RegionTopics.EnsureAsync(new AdminTopicProvisioner(servers), settings, ct);
            var metrics = new PipelineMetrics("placement");
            using var endpoint = new MetricsEndpoint(settings.Metrics, metrics.Registry);
            await using var app = new NovaOps.Streams.Placement.PlacementApp(servers, topics, settings.Placement, metrics, $"{topics.Prefix}-placement");
            await app.StartAsync(ct);
            return await Running($"placement service running on {topics.PlacementRequests} → {topics.PlacementResponses} ({app.Engine.HostCount} hosts, {settings.Placement.Strategy}); metrics on {endpoint.Url ?? "(off)"}", null, ct);
        });
        return cmd;
    }

    private static Command Remediation(NovaOpsSettings settings)
    {
        var bootstrap = CommonOptions.BootstrapServers();
        bootstrap.Description = "Kafka bootstrap servers (a real Kafka, or the one `novaops broker` printed)";
        var dryRun = new Option<bool>("--dry-run") { Description = "Decide and audit every action, execute none (overrides Remediation:DryRun)" };
        var cmd = new Command("remediation",
            "Run the remediation executor: predictions, anomalies and root causes → runbooks under guardrails → actions (audited on the actions topic)") { bootstrap, dryRun };
        cmd.SetAction(async (parse, ct) =>
        {
            string servers = CommonOptions.RequiredBootstrapServers(parse.GetValue(bootstrap), settings);
            var topics = settings.Kafka.Topics;
            var options = settings.Remediation with { DryRun = settings.Remediation.DryRun || parse.GetValue(dryRun) };
            NovaOps.Remediation.Runbooks.RunbookSet runbooks;
            try { runbooks = NovaOps.Remediation.Runbooks.RunbookLoader.Load(options.Runbooks); }
            catch (NovaOps.Remediation.Runbooks.RunbookException e) { throw new CliException(e.Message); }
            await RegionTopics.EnsureAsync(new AdminTopicProvisioner(servers), settings, ct);
            var metrics = new PipelineMetrics("remediation");
            using var endpoint = new MetricsEndpoint(settings.Metrics, metrics.Registry);
            NovaOps.Remediation.Actuators.IActuator actuator = options.Actuator switch
            {
                "simulator" => new NovaOps.Streams.Remediation.Actuators.SimulatorActuator(servers, topics),
                "webhook" => new NovaOps.Remediation.Actuators.WebhookActuator(options.Webhook),
                _ => throw new CliException($"Remediation:Actuator '{options.Actuator}' is neither 'simulator' nor 'webhook'"),
            };
            var executor = new NovaOps.Remediation.RemediationExecutor(runbooks, options, actuator, new NovaOps.Remediation.Guardrails.FleetInventory());
            await using var app = new NovaOps.Streams.Remediation.RemediationApp(servers, topics, executor,
                new NovaOps.Streams.Remediation.RemediationMetrics(metrics), $"{topics.Prefix}-remediation", disposeWith: (IDisposable)actuator);
            await app.StartAsync(ct);
            return await Running($"remediation executor running on {topics.Predictions}, {topics.Anomalies}, {topics.RootCauses} → {topics.Actions} ({runbooks.Runbooks.Count} runbooks, actuator {options.Actuator}{(options.DryRun ? ", dry run" : "")}); metrics on {endpoint.Url ?? "(off)"}", null, ct);
        });
        return cmd;
    }

    /// <summary>Says the app is up (the process tests wait for RUNNING), then waits for Ctrl-C or SIGTERM, calling <paramref name="every5s"/> meanwhile.</summary>
    private static async Task<int> Running(FormattableString banner, Action? every5s, CancellationToken ct)
    {
        AnsiConsole.MarkupLineInterpolated(banner);
        Console.WriteLine("RUNNING");
        Console.Out.Flush();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                every5s?.Invoke();
            }
        }
        catch (OperationCanceledException) { }
        return 0;
    }
}
