using System.Diagnostics;
using System.Text.RegularExpressions;
using NovaOps.Tests.Shared;

namespace NovaOps.Cli.Tests;

/// <summary>
/// The pieces as separate processes, the way a region runs them: `novaops broker`, `novaops run anomaly`
/// and `novaops run rca` serving /metrics, and `novaops simulate` publishing; the apps' counts are read by
/// scraping /metrics.
/// </summary>
public class ProcessesTests
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "novaops.dll");

    private static BackgroundProcess Start(string prefix, int metricsPort, params string[] args) => Start(prefix, metricsPort, new Dictionary<string, string>(), args);

    private static BackgroundProcess Start(string prefix, int metricsPort, Dictionary<string, string> environment, params string[] args)
    {
        var env = new Dictionary<string, string>
        {
            ["NOVAOPS__KAFKA__TOPICPREFIX"] = prefix,
            ["NOVAOPS__KAFKA__PARTITIONS"] = "4",
            ["NOVAOPS__METRICS__PORT"] = metricsPort.ToString(),
            ["NOVAOPS__STREAMS__STATEDIRECTORY"] = Path.Combine(Path.GetTempPath(), $"novaops-proc-{Guid.NewGuid():N}"),
            ["NOVAOPS__STREAMS__SESSIONTIMEOUTMS"] = "6000",
            ["NOVAOPS__STREAMS__COMMITINTERVALMS"] = "1000",
        };
        foreach (var (key, value) in environment) env[key] = value;
        return BackgroundProcess.Start("dotnet", [Cli, .. args], env);
    }

    [Fact]
    public async Task Broker_app_and_simulator_as_separate_processes()
    {
        var ct = TestContext.Current.CancellationToken;
        int port = LocalPorts.Free(), rcaPort = LocalPorts.Free(), remediationPort = LocalPorts.Free();
        using var broker = Start("proc", 0, "broker");
        BackgroundProcess? app = null, rca = null, remediation = null;
        try
        {
            string bootstrap = (await broker.WaitForLineAsync("BOOTSTRAP=", TimeSpan.FromSeconds(60)))["BOOTSTRAP=".Length..];
            app = Start("proc", port, "run", "anomaly", "--bootstrap-servers", bootstrap);
            await app.WaitForLineAsync("RUNNING", TimeSpan.FromSeconds(90));
            rca = Start("proc", rcaPort, "run", "rca", "--bootstrap-servers", bootstrap);
            await rca.WaitForLineAsync("RUNNING", TimeSpan.FromSeconds(90));
            remediation = Start("proc", remediationPort, "run", "remediation", "--bootstrap-servers", bootstrap, "--dry-run");
            await remediation.WaitForLineAsync("RUNNING", TimeSpan.FromSeconds(90));

            using var sim = Start("proc", 0, "simulate", "--bootstrap-servers", bootstrap, "--vms", "50", "--ticks", "60", "--malformed-per-million", "20000");
            long published = long.Parse((await sim.WaitForLineAsync("PUBLISHED=", TimeSpan.FromSeconds(60)))["PUBLISHED=".Length..]);
            await sim.Process.WaitForExitAsync(ct);
            Assert.Equal(0, sim.ExitCode);
            Assert.Equal(3000, published);

            using var http = new HttpClient();
            double processed = 0, deadLettered = 0;
            var clock = Stopwatch.StartNew();
            while (processed < published && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(500, ct);
                string text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", ct);
                processed = Sum(text, @"^novaops_records_in_total\{[^}]*topic=""proc\.telemetry""[^}]*\} (\S+)");
                deadLettered = Sum(text, @"^novaops_dead_lettered_total\{[^}]*\} (\S+)");
            }
            Assert.Equal(published, processed);
            Assert.True(deadLettered > 0, "the malformed records mixed in must be dead-lettered");
            Assert.False(app.HasExited, "bad records must not stop the app");

            // The RCA app reads every anomaly the anomaly app wrote (through its one-partition evidence topic).
            string appText = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", ct);
            double anomalies = Sum(appText, @"^novaops_records_out_total\{[^}]*topic=""proc\.anomalies""[^}]*\} (\S+)");
            double evidence = -1;
            string rcaText = "";
            for (clock.Restart(); evidence < anomalies && clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(500, ct))
            {
                rcaText = await http.GetStringAsync($"http://127.0.0.1:{rcaPort}/metrics", ct);
                evidence = Sum(rcaText, @"^novaops_records_in_total\{[^}]*topic=""proc\.rca-evidence""[^}]*\} (\S+)");
            }
            Assert.True(evidence >= anomalies, $"the RCA app read {evidence} of {anomalies} anomalies");
            Assert.Contains("novaops_rca_incidents_open", rcaText);
            Assert.False(rca.HasExited);

            // The remediation executor (dry run) reads the same telemetry for its inventory and checks.
            double seen = 0;
            string remediationText = "";
            for (clock.Restart(); seen < published && clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(500, ct))
            {
                remediationText = await http.GetStringAsync($"http://127.0.0.1:{remediationPort}/metrics", ct);
                seen = Sum(remediationText, @"^novaops_records_in_total\{[^}]*topic=""proc\.telemetry""[^}]*\} (\S+)");
            }
            Assert.Equal(published, seen);
            Assert.Contains("novaops_remediation_active", remediationText);
            Assert.False(remediation.HasExited);
        }
        finally
        {
            remediation?.Dispose();
            rca?.Dispose();
            app?.Dispose();
        }
    }

    [Fact]
    public async Task A_service_logs_why_it_refused_a_new_model_version_and_keeps_scoring_with_the_old_one()
    {
        var ct = TestContext.Current.CancellationToken;
        string models = Path.Combine(Path.GetTempPath(), $"novaops-proc-models-{Guid.NewGuid():N}");
        string shipped = Path.Combine(Repository.Root, "models");
        foreach (string model in new[] { "anomaly-autoencoder", "incident-gru" })
            CopyDirectory(Path.Combine(shipped, model, "1"), Path.Combine(models, model, "1"));
        using var broker = Start("logs", 0, "broker");
        BackgroundProcess? app = null;
        try
        {
            string bootstrap = (await broker.WaitForLineAsync("BOOTSTRAP=", TimeSpan.FromSeconds(60)))["BOOTSTRAP=".Length..];
            app = Start("logs", LocalPorts.Free(), new Dictionary<string, string>
            {
                ["NOVAOPS__ANOMALY__DETECTOR"] = "Onnx", // the anomaly model's registry is what this test is about
                ["NOVAOPS__ANOMALY__MODEL__DIRECTORY"] = models,
                ["NOVAOPS__ANOMALY__MODEL__POLLINTERVAL"] = "00:00:01",
                ["NOVAOPS__ANOMALY__PREDICTION__MODEL__DIRECTORY"] = models,
            }, "run", "anomaly", "--bootstrap-servers", bootstrap);
            await app.WaitForLineAsync("RUNNING", TimeSpan.FromSeconds(90));

            // Version 2, trained (says its card) on 5-minute windows: the app cuts 1-minute ones. Written beside the
            // models folder and moved in whole, as a release would be (the registry polls every second).
            string staged = models + "-v2";
            CopyDirectory(Path.Combine(models, "anomaly-autoencoder", "1"), staged);
            var card = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(staged, "card.json")))!;
            card["version"] = "2";
            card["features"]!["window_s"] = 300;
            File.WriteAllText(Path.Combine(staged, "card.json"), card.ToJsonString());
            Directory.Move(staged, Path.Combine(models, "anomaly-autoencoder", "2"));

            string? refused = null;
            for (var clock = Stopwatch.StartNew(); refused is null && clock.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(200, ct))
                refused = app.StandardError.Split('\n').FirstOrDefault(l => l.Contains("New model version refused"));
            Assert.True(refused is not null, $"no refusal logged; standard error was:\n{app.StandardError}");
            Assert.Contains("anomaly-autoencoder/1", refused);   // the model kept
            Assert.Contains("300 s windows", refused);           // why
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z fail: ", refused); // one line, UTC time, level
            await Task.Delay(2000, ct); // more polls of the folder: the refusal is said once, on one line
            Assert.Single(app.StandardError.Split('\n'), l => l.Contains("New model version refused"));
            Assert.False(app.HasExited);
            Assert.DoesNotContain("stream-task[", app.StandardError); // Streamiz's per-task chatter stays below its Warning level
        }
        finally
        {
            app?.Dispose();
            Directory.Delete(models, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    [Fact]
    public async Task A_killed_app_resumes_from_its_committed_offsets()
    {
        var ct = TestContext.Current.CancellationToken;
        int port = LocalPorts.Free();
        using var broker = Start("crash", 0, "broker");
        BackgroundProcess? app = null;
        try
        {
            string bootstrap = (await broker.WaitForLineAsync("BOOTSTRAP=", TimeSpan.FromSeconds(60)))["BOOTSTRAP=".Length..];
            app = Start("crash", port, "run", "anomaly", "--bootstrap-servers", bootstrap);
            await app.WaitForLineAsync("RUNNING", TimeSpan.FromSeconds(90));
            long first = await Simulate(bootstrap, seed: 1, ct);
            Assert.Equal(first, await ProcessedAtLeast(port, first, ct));
            await Task.Delay(2500, ct); // two commit intervals

            app.Dispose(); // killed, no clean shutdown: only what was committed survives
            app = Start("crash", port, "run", "anomaly", "--bootstrap-servers", bootstrap);
            await app.WaitForLineAsync("RUNNING", TimeSpan.FromSeconds(90));
            long second = await Simulate(bootstrap, seed: 2, ct);
            // The new process reads only the second batch: the first one's offsets were committed while running.
            Assert.Equal(second, await ProcessedAtLeast(port, second, ct));
            await Task.Delay(1000, ct);
            Assert.Equal(second, await Processed(port, ct));
        }
        finally
        {
            app?.Dispose();
        }
    }

    [Fact]
    public async Task A_service_whose_stream_thread_stopped_exits_with_code_3_for_its_service_manager()
    {
        var ct = TestContext.Current.CancellationToken;
        // The broker lives in this process (the embedded cluster serves other processes over TCP), so the test can
        // make it refuse the service's writes; the service is a real `novaops run anomaly` process.
        using var cluster = new NovaOps.Broker.EmbeddedKafkaCluster();
        var loaded = NovaOpsSettings.Load();
        var settings = loaded with { Kafka = loaded.Kafka with { TopicPrefix = "stop", Partitions = 4 } };
        await RegionTopics.EnsureAsync(new NovaOps.Broker.EmbeddedTopicProvisioner(cluster), settings, ct);
        var fleet = new NovaOps.Simulator.Fleet.FleetLayout(new NovaOps.Simulator.SimulatorOptions { Seed = 3, Vms = 20 });
        var emitter = new NovaOps.Simulator.Emit.TelemetryEmitter(
            new NovaOps.Simulator.TelemetryGenerator(fleet, NovaOps.Simulator.Faults.FaultPlan.Generate(fleet, 30)),
            settings.Kafka.Topics, cluster.BootstrapServers, new NovaOps.Simulator.Emit.EmitterOptions { Ticks = 30 });
        await emitter.RunAsync(ct);

        // Every write refused for good from now on (as when the service's credentials lose the right to write its
        // topics): Streamiz stops the stream thread whose output cannot be written.
        cluster.FailNextRequests(NovaOps.Broker.KafkaRequest.Produce, [.. Enumerable.Repeat(Confluent.Kafka.ErrorCode.TopicAuthorizationFailed, 500)]);
        using var app = Start("stop", 0, new Dictionary<string, string> { ["NOVAOPS__STREAMS__THREADS"] = "1" },
            "run", "anomaly", "--bootstrap-servers", cluster.BootstrapServers);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(90));
        try { await app.Process.WaitForExitAsync(deadline.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Assert.Fail($"the service still ran 90 s after its writes were refused; standard error:\n{app.StandardError}");
        }
        Assert.True(app.ExitCode == Commands.ServiceWatch.StoppedProcessing, $"exit code {app.ExitCode}; standard error:\n{app.StandardError}");
        Assert.Contains("stopped processing", app.StandardError);
        Assert.Contains("every stream thread stopped", app.StandardError);
    }

    [Fact]
    public async Task The_clusters_security_settings_come_from_the_environment_and_a_wrong_combination_is_one_clear_line()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new NovaOps.Broker.EmbeddedKafkaCluster();
        string output = Path.Combine(Path.GetTempPath(), $"novaops-sec-{Guid.NewGuid():N}");

        using (var wrong = Start("sec", 0, new Dictionary<string, string> { ["NOVAOPS__KAFKA__SECURITY__SASLMECHANISM"] = "ScramSha512" },
            "record", "--bootstrap-servers", cluster.BootstrapServers, "--out", output))
        {
            await wrong.Process.WaitForExitAsync(ct);
            Assert.Equal(2, wrong.ExitCode);
            Assert.Contains("Kafka:Security:SaslMechanism is set but Kafka:Security:Protocol is unset", wrong.StandardOutput.Replace("\n", " "));
        }

        // Set whole, they reach the client: it authenticates first, which the plaintext embedded broker does not serve.
        using var sasl = Start("sec", 0, new Dictionary<string, string>
        {
            ["NOVAOPS__KAFKA__SECURITY__PROTOCOL"] = "SaslPlaintext", ["NOVAOPS__KAFKA__SECURITY__SASLMECHANISM"] = "Plain",
            ["NOVAOPS__KAFKA__SECURITY__SASLUSERNAME"] = "novaops", ["NOVAOPS__KAFKA__SECURITY__SASLPASSWORD"] = "s3cret",
        }, "record", "--bootstrap-servers", cluster.BootstrapServers, "--out", output);
        await sasl.Process.WaitForExitAsync(ct);
        Assert.Equal(2, sasl.ExitCode);
        Assert.Contains("cannot read the metadata", sasl.StandardOutput.Replace("\n", " "));
        Assert.DoesNotContain("s3cret", sasl.StandardOutput + sasl.StandardError);
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
    }

    [Theory]
    [InlineData("no Kafka given", "run", "anomaly")]
    [InlineData("input file not found", "detect", "--input", "/nonexistent/in.csv", "--output", "/tmp/out.csv")]
    [InlineData("NAB data folder not found", "eval", "nab", "--data", "/nonexistent", "--labels", "/nonexistent.json")]
    public async Task User_errors_exit_2_with_one_clear_line(string expected, params string[] args)
    {
        using var p = Start("err", 0, args);
        await p.Process.WaitForExitAsync(TestContext.Current.CancellationToken);
        string output = p.StandardOutput;
        Assert.Equal(2, p.ExitCode);
        Assert.Contains(expected, output.Replace("\n", " "));
        Assert.DoesNotContain("   at ", output); // no stack trace
    }

    private static async Task<long> Simulate(string bootstrap, int seed, CancellationToken ct)
    {
        using var sim = Start("crash", 0, "simulate", "--bootstrap-servers", bootstrap, "--vms", "40", "--ticks", "50", "--seed", seed.ToString());
        long published = long.Parse((await sim.WaitForLineAsync("PUBLISHED=", TimeSpan.FromSeconds(60)))["PUBLISHED=".Length..]);
        await sim.Process.WaitForExitAsync(ct);
        return published;
    }

    private static async Task<double> Processed(int port, CancellationToken ct)
    {
        using var http = new HttpClient();
        string text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", ct);
        return Sum(text, @"^novaops_records_in_total\{[^}]*\} (\S+)");
    }

    private static async Task<double> ProcessedAtLeast(int port, long n, CancellationToken ct)
    {
        double processed = 0;
        var clock = Stopwatch.StartNew();
        while (processed < n && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(300, ct);
            processed = await Processed(port, ct);
        }
        return processed;
    }

    private static double Sum(string metrics, string pattern) =>
        Regex.Matches(metrics, pattern, RegexOptions.Multiline).Sum(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
}
