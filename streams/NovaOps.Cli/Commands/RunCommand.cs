using System.CommandLine;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Observability;
using NovaOps.Streams.Anomaly;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops run anomaly|rca|remediation|placement</c>: a NovaOps app as a long-running service, until Ctrl-C or SIGTERM.</summary>
internal static class RunCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console) =>
        new("run", "Run a NovaOps app as a service") { Anomaly(settings, console), Rca(settings, console), Remediation(settings, console), Placement(settings, console), Ingest(settings, console), History(settings, console) };

    private static Command Anomaly(NovaOpsSettings settings, IAnsiConsole console)
    {
        var bootstrap = CommonOptions.ExistingBootstrapServers();
        var detector = CommonOptions.Detector();
        var cmd = new Command("anomaly", "Run the anomaly topology against a Kafka cluster, serving /metrics") { bootstrap, detector };
        cmd.SetAction(async (parse, ct) =>
        {
            using var host = await Host.PrepareAsync(settings, parse.GetValue(bootstrap), "anomaly", ct);
            var anomaly = CommonOptions.WithDetector(settings, parse.GetValue(detector));
            await using var app = new AnomalyApp(host.Kafka, host.Topics, anomaly, settings.Streams, anomaly.ModelFreeDetector(), host.Metrics, host.Logging);
            await app.StartAsync(ct);
            using var lag = new ConsumerLagProbe(host.Kafka, app.Positions, host.Metrics);
            return await Running(console, $"anomaly app [bold]{settings.Anomaly.ApplicationId}[/] running on {host.Topics.Telemetry} ({app.ActiveModel ?? "statistical detector"}); metrics on {host.MetricsUrl}",
                host, () => app.Failure, () => { try { lag.Measure(TimeSpan.FromSeconds(5)); } catch (Confluent.Kafka.KafkaException) { } }, ct);
        });
        return cmd;
    }

    private static Command Rca(NovaOpsSettings settings, IAnsiConsole console)
    {
        var bootstrap = CommonOptions.ExistingBootstrapServers();
        var cmd = new Command("rca", "Run the RCA topology (anomalies and predictions → incidents → root-causes) against a Kafka cluster, serving /metrics") { bootstrap };
        cmd.SetAction(async (parse, ct) =>
        {
            using var host = await Host.PrepareAsync(settings, parse.GetValue(bootstrap), "rca", ct);
            await using var app = new NovaOps.Streams.Rca.RcaApp(host.Kafka, host.Topics, settings.Rca, settings.Streams, host.Metrics, host.Logging);
            await app.StartAsync(ct);
            return await Running(console, $"RCA app [bold]{settings.Rca.ApplicationId}[/] running on {host.Topics.Anomalies} → {host.Topics.RootCauses} ({settings.Rca.Method}); metrics on {host.MetricsUrl}", host, () => app.Failure, null, ct);
        });
        return cmd;
    }

    private static Command Remediation(NovaOpsSettings settings, IAnsiConsole console)
    {
        var bootstrap = CommonOptions.ExistingBootstrapServers();
        var dryRun = new Option<bool>("--dry-run") { Description = "Decide and audit every action, execute none (overrides Remediation:DryRun)" };
        var cmd = new Command("remediation",
            "Run the remediation executor: predictions, anomalies and root causes → runbooks under guardrails → actions (audited on the actions topic)") { bootstrap, dryRun };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = settings.Remediation with { DryRun = settings.Remediation.DryRun || parse.GetValue(dryRun) };
            NovaOps.Remediation.Runbooks.RunbookSet runbooks;
            try { runbooks = NovaOps.Remediation.Runbooks.RunbookLoader.Load(options.Runbooks); }
            catch (NovaOps.Remediation.Runbooks.RunbookException e) { throw new CliException(e.Message); }
            using var host = await Host.PrepareAsync(settings, parse.GetValue(bootstrap), "remediation", ct);
            NovaOps.Remediation.Actuators.IActuator actuator;
            try { actuator = NovaOps.Streams.Remediation.Actuators.RemediationActuators.Create(options, host.Kafka, host.Topics); }
            catch (ArgumentException e) { throw new CliException(e.Message); }
            var executor = new NovaOps.Remediation.RemediationExecutor(runbooks, options, actuator, new NovaOps.Remediation.Guardrails.FleetInventory());
            await using var app = new NovaOps.Streams.Remediation.RemediationApp(host.Kafka, host.Topics, executor,
                new NovaOps.Streams.Remediation.RemediationMetrics(host.Metrics), $"{host.Topics.Prefix}-remediation", host.Logging, disposeWith: (IDisposable)actuator);
            await app.StartAsync(ct);
            return await Running(console, $"remediation executor running on {host.Topics.Predictions}, {host.Topics.Anomalies}, {host.Topics.RootCauses} → {host.Topics.Actions} ({runbooks.Runbooks.Count} runbooks, actuator {options.Actuator}, evacuations by {options.Evacuation}{(options.DryRun ? ", dry run" : "")}); metrics on {host.MetricsUrl}", host, () => app.Failure, null, ct);
        });
        return cmd;
    }

    private static Command Placement(NovaOpsSettings settings, IAnsiConsole console)
    {
        var bootstrap = CommonOptions.ExistingBootstrapServers();
        var cmd = new Command("placement", "Run the placement service: hosts (inventory), placement requests and predictions → placement responses") { bootstrap };
        cmd.SetAction(async (parse, ct) =>
        {
            using var host = await Host.PrepareAsync(settings, parse.GetValue(bootstrap), "placement", ct);
            await using var app = new NovaOps.Streams.Placement.PlacementApp(host.Kafka, host.Topics, settings.Placement, host.Metrics, $"{host.Topics.Prefix}-placement", host.Logging);
            await app.StartAsync(ct);
            return await Running(console, $"placement service running on {host.Topics.PlacementRequests} → {host.Topics.PlacementResponses} ({app.Engine.HostCount} hosts, {settings.Placement.Strategy}); metrics on {host.MetricsUrl}", host, () => app.Failure, null, ct);
        });
        return cmd;
    }

    private static Command Ingest(NovaOpsSettings settings, IAnsiConsole console)
    {
        var bootstrap = CommonOptions.ExistingBootstrapServers();
        var listen = new Option<string?>("--listen") { Description = "host:port of the remote_write endpoint (overrides Ingest:Listen)" };
        var cmd = new Command("ingest", "Run the Prometheus remote_write endpoint: a fleet's Prometheus series → telemetry samples on Kafka") { bootstrap, listen };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = parse.GetValue(listen) is { } l ? settings.Ingest with { Listen = l } : settings.Ingest;
            using var host = await Host.PrepareAsync(settings, parse.GetValue(bootstrap), "ingest", ct);
            await using var app = new NovaOps.Ingest.IngestApp(host.Kafka, host.Topics, options, host.Metrics, host.Logging);
            await app.StartAsync(ct);
            return await Running(console, $"remote_write endpoint on [link]{app.Url}[/] → {host.Topics.Telemetry}{(options.BearerToken == "" && options.BearerTokenFile == "" ? " (no bearer token: anyone may write)" : "")}; metrics on {host.MetricsUrl}", host, () => null, null, ct); // no loop of its own to stop: each request fails with its own status
        });
        return cmd;
    }

    private static Command History(NovaOpsSettings settings, IAnsiConsole console)
    {
        var bootstrap = CommonOptions.ExistingBootstrapServers();
        var cmd = new Command("history", "Run the ClickHouse history sink: telemetry rollups, anomalies, predictions, root causes and actions → ClickHouse (History:ConnectionString)") { bootstrap };
        cmd.SetAction(async (parse, ct) =>
        {
            using var host = await Host.PrepareAsync(settings, parse.GetValue(bootstrap), "history", ct);
            using var store = new NovaOps.History.HistoryStore(settings.History);
            await using var app = new NovaOps.Streams.History.HistoryApp(host.Kafka, host.Topics, store, host.Metrics, $"{host.Topics.Prefix}-history", host.Logging);
            try { await app.StartAsync(ct); }
            catch (HttpRequestException e) { throw new CliException($"ClickHouse is not reachable ({e.Message}): set History:ConnectionString (NOVAOPS__HISTORY__CONNECTIONSTRING)"); }
            return await Running(console, $"history sink running on {host.Topics.Telemetry}, {host.Topics.Anomalies}, {host.Topics.Predictions}, {host.Topics.RootCauses}, {host.Topics.Actions} → ClickHouse database {settings.History.Database}; metrics on {host.MetricsUrl}", host, () => app.Failure, null, ct);
        });
        return cmd;
    }

    /// <summary>What every service needs before its app starts: the cluster, the region's topics (created when missing), metrics served.</summary>
    private sealed record Host(NovaOps.Kafka.KafkaClientOptions Kafka, TopicNames Topics, PipelineMetrics Metrics, MetricsEndpoint Endpoint, Microsoft.Extensions.Logging.ILoggerFactory Logging) : IDisposable
    {
        public string MetricsUrl => Endpoint.Url ?? "(off)";

        public static async Task<Host> PrepareAsync(NovaOpsSettings settings, string? bootstrap, string app, CancellationToken ct)
        {
            var kafka = CommonOptions.RequiredKafka(bootstrap, settings);
            await RegionTopics.EnsureAsync(new AdminTopicProvisioner(kafka), settings, ct);
            var metrics = new PipelineMetrics(app);
            return new Host(kafka, settings.Kafka.Topics, metrics, new MetricsEndpoint(settings.Metrics, metrics.Registry), ServiceLogging.Create(settings.Logging));
        }

        public void Dispose()
        {
            Endpoint.Dispose();
            Logging.Dispose(); // flushes what is queued
        }
    }

    /// <summary>Says the app is up (the process tests wait for RUNNING), then runs until stopped or until the app fails (<see cref="ServiceWatch"/>).</summary>
    private static Task<int> Running(IAnsiConsole console, FormattableString banner, Host host, Func<string?> failure, Action? every5s, CancellationToken ct)
    {
        console.MarkupLineInterpolated(banner);
        Console.WriteLine("RUNNING");
        Console.Out.Flush();
        return ServiceWatch.UntilStoppedAsync(host.Metrics.App, failure, every5s, host.Logging.CreateLogger("NovaOps.Service"), TimeSpan.FromSeconds(5), ct);
    }
}
