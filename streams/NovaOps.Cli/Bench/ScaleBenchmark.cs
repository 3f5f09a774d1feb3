using System.Diagnostics;
using System.Text.Json.Serialization;
using NovaOps.Broker;
using NovaOps.Simulator;
using NovaOps.Simulator.Emit;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Cli.Bench;

/// <summary>One service process of the region under load.</summary>
public sealed record ScaleAppFigures(
    [property: JsonPropertyName("memory_bytes")] long MemoryBytes,
    [property: JsonPropertyName("peak_memory_bytes")] long PeakMemoryBytes,
    [property: JsonPropertyName("idle_memory_bytes")] long IdleMemoryBytes,
    [property: JsonPropertyName("state_bytes_per_vm")] double StateBytesPerVm);

/// <summary>The anomaly app's position every few seconds.</summary>
public sealed record ScaleLagPoint(
    [property: JsonPropertyName("t_s")] double Seconds,
    [property: JsonPropertyName("published")] long Published,
    [property: JsonPropertyName("processed")] long Processed,
    [property: JsonPropertyName("lag")] long Lag);

public sealed record ScaleBenchResult(
    [property: JsonPropertyName("vms")] int Vms,
    [property: JsonPropertyName("simulated_hours")] double SimulatedHours,
    [property: JsonPropertyName("sample_interval_s")] double SampleIntervalSeconds,
    [property: JsonPropertyName("samples")] long Samples,
    [property: JsonPropertyName("samples_per_s")] double SamplesPerSecond,
    [property: JsonPropertyName("publish_rate_limit")] double PublishRateLimit,
    [property: JsonPropertyName("max_lag")] long MaxLag,
    [property: JsonPropertyName("lag_bound")] long LagBound,
    [property: JsonPropertyName("lag_bounded")] bool LagBounded,
    [property: JsonPropertyName("partitions")] int Partitions,
    [property: JsonPropertyName("wall_s")] double WallSeconds,
    [property: JsonPropertyName("apps")] IReadOnlyDictionary<string, ScaleAppFigures> Apps,
    [property: JsonPropertyName("lag_over_time")] IReadOnlyList<ScaleLagPoint> LagOverTime);

/// <summary>
/// A region under a fleet's load, as it runs: the embedded broker in this process, the anomaly app, the RCA app, the
/// remediation executor (dry run) and the placement service as separate <c>novaops run</c> processes, and the simulator
/// publishing <c>vms</c> VMs' telemetry at one sample per VM per simulated minute, with the fleet's topology, hosts and
/// VM inventory. Measured: the rate at which the anomaly app takes samples in (its own count), its lag over time, and each
/// service's resident memory before the fleet arrives and at the end (the growth per VM is its state per VM, with what
/// the runtime keeps around it).
/// </summary>
public sealed class ScaleBenchmark(NovaOpsSettings settings)
{
    private static readonly TimeSpan Sampling = TimeSpan.FromSeconds(2);
    private static readonly string[] Services = ["anomaly", "rca", "remediation", "placement"];

    public async Task<ScaleBenchResult> RunAsync(int vms, double minutes, double rate, int partitions, Action<string> status, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var region = settings with { Kafka = settings.Kafka with { TopicPrefix = $"scale-{Guid.NewGuid():N}"[..14], Partitions = partitions, BootstrapServers = "" } };
        var topics = region.Kafka.Topics;
        using var kafka = KafkaConnection.Open(null);
        status($"creating the region's topics ({partitions} partitions)");
        await RegionTopics.EnsureAsync(kafka.Topics, region, ct);

        var processes = new Dictionary<string, Process>();
        try
        {
            string anomalyMetrics = "";
            foreach (var app in Services)
            {
                status($"starting novaops run {app}");
                int port = FreePort();
                processes[app] = await StartServiceAsync(app, kafka.Client.BootstrapServers, region, port, ct);
                if (app == "anomaly") anomalyMetrics = $"http://127.0.0.1:{port}/metrics";
            }
            using var scored = new ScoredCounter(anomalyMetrics, topics.Telemetry);
            var idle = processes.ToDictionary(p => p.Key, p => Memory(p.Value).Rss);

            long ticks = (long)Math.Ceiling(minutes);
            var fleet = new FleetLayout(new SimulatorOptions { Vms = vms, SampleInterval = TimeSpan.FromMinutes(1) }.EndingAt(DateTimeOffset.UtcNow, ticks));
            // Simulated time as fast as the anomaly app keeps up: a minute is published once the app is at most one
            // minute (one sample per VM) behind.
            var emitter = new TelemetryEmitter(new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, ticks)), topics, kafka.Client,
                new EmitterOptions
                {
                    Ticks = ticks, RecordsPerSecond = rate, AcceptCommands = true,
                    BeforeTick = async (published, token) =>
                    {
                        while (published - await scored.ReadAsync(token) > vms) await Task.Delay(50, token);
                    },
                });
            long expected = (long)vms * ticks;
            var points = new List<ScaleLagPoint>();
            var peaks = processes.ToDictionary(p => p.Key, _ => 0L);
            status($"publishing {expected:N0} samples of {vms:N0} VMs");
            var run = emitter.RunAsync(ct);
            var clock = Stopwatch.StartNew();
            long lastProcessed = -1;
            var sinceProgress = Stopwatch.StartNew();
            while (true)
            {
                await Task.WhenAny(run, Task.Delay(Sampling, ct));
                long published = emitter.Progress.Records, processed = await scored.ReadAsync(ct);
                points.Add(new ScaleLagPoint(Math.Round(clock.Elapsed.TotalSeconds, 1), published, processed, published - processed));
                foreach (var (app, p) in processes)
                {
                    if (p.HasExited) throw new InvalidOperationException($"novaops run {app} exited with code {p.ExitCode} under load");
                    peaks[app] = Math.Max(peaks[app], Memory(p).Peak);
                }
                status($"published {emitter.Progress.Records:N0} of {expected:N0}, scored {processed:N0}, lag {published - processed:N0}");
                if (processed != lastProcessed) { lastProcessed = processed; sinceProgress.Restart(); }
                if (run.IsCompleted && processed >= expected) break;
                if (sinceProgress.Elapsed > TimeSpan.FromSeconds(120))
                    throw new InvalidOperationException($"the anomaly app took no sample for 120 s at {processed:N0} of {expected:N0}");
            }
            await run;
            var apps = processes.ToDictionary(p => p.Key, p =>
            {
                var (rss, peak) = Memory(p.Value);
                return new ScaleAppFigures(rss, Math.Max(peak, peaks[p.Key]), idle[p.Key], Math.Round((rss - idle[p.Key]) / (double)vms, 1));
            });
            // From the first sample taken to the last: the anomaly app's sustained rate.
            var moving = points.Where(pt => pt.Processed > 0).ToList();
            double span = moving.Count > 1 ? moving[^1].Seconds - moving[0].Seconds : clock.Elapsed.TotalSeconds;
            double perSecond = moving.Count > 1 ? (moving[^1].Processed - moving[0].Processed) / Math.Max(span, 1e-3) : expected / span;
            long maxLag = points.Max(pt => pt.Lag);
            // Bounded: never more than two simulated minutes (two samples per VM) behind the simulator, which holds the
            // next minute back while the app is more than one behind.
            long bound = 2L * vms;
            return new ScaleBenchResult(vms, Math.Round(ticks / 60.0, 3), 60, emitter.Progress.Records, Math.Round(perSecond), rate, maxLag, bound, maxLag <= bound,
                partitions, Math.Round(wall.Elapsed.TotalSeconds, 1), apps, points);
        }
        finally
        {
            foreach (var p in processes.Values)
            {
                try { if (!p.HasExited) p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                p.Dispose();
            }
        }
    }

    /// <summary>Starts <c>novaops run APP</c> with this binary against the cluster; returns once it says RUNNING.</summary>
    private static async Task<Process> StartServiceAsync(string app, string bootstrap, NovaOpsSettings region, int metricsPort, CancellationToken ct)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "novaops.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "run", app, "--bootstrap-servers", bootstrap }.Concat(app == "remediation" ? ["--dry-run"] : [])) psi.ArgumentList.Add(a);
        psi.Environment["NOVAOPS__KAFKA__TOPICPREFIX"] = region.Kafka.TopicPrefix;
        psi.Environment["NOVAOPS__KAFKA__PARTITIONS"] = region.Kafka.Partitions.ToString();
        psi.Environment["NOVAOPS__METRICS__PORT"] = metricsPort.ToString();
        psi.Environment["NOVAOPS__STREAMS__STATEDIRECTORY"] = Path.Combine(Path.GetTempPath(), $"novaops-scale-{app}-{Guid.NewGuid():N}");
        psi.Environment["NOVAOPS__LOGGING__LOGLEVEL__DEFAULT"] = "Warning";
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start novaops run {app}");
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new List<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data?.Trim() == "RUNNING") running.TrySetResult(); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) lock (errors) if (errors.Count < 20) errors.Add(l); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Task.WhenAny(running.Task, process.WaitForExitAsync(ct), Task.Delay(TimeSpan.FromSeconds(90), ct));
        if (!running.Task.IsCompleted)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            lock (errors) throw new InvalidOperationException($"novaops run {app} did not start: {string.Join(" | ", errors)}");
        }
        return process;
    }

    /// <summary>Resident memory now and at its peak (Linux's VmRSS and VmHWM), in bytes.</summary>
    internal static (long Rss, long Peak) Memory(Process p)
    {
        long rss = 0, peak = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{p.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kb(line);
            }
        }
        catch (IOException) { } // exited meanwhile: reported by the caller
        return (rss, peak);

        static long Kb(string line) => long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Telemetry records the anomaly app has taken in (its <c>novaops_records_in_total</c> for the topic), from its /metrics.</summary>
    private sealed class ScoredCounter(string url, string topic) : IDisposable
    {
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
        private readonly System.Text.RegularExpressions.Regex _line = new(
            $@"^novaops_records_in_total\{{[^}}]*topic=""{System.Text.RegularExpressions.Regex.Escape(topic)}""[^}}]*\}} (\S+)", System.Text.RegularExpressions.RegexOptions.Multiline);
        private long _last;

        public async Task<long> ReadAsync(CancellationToken ct)
        {
            try
            {
                string text = await _http.GetStringAsync(url, ct);
                long sum = 0;
                foreach (System.Text.RegularExpressions.Match m in _line.Matches(text))
                    sum += (long)double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                return _last = Math.Max(_last, sum);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested) { return _last; }
        }

        public void Dispose() => _http.Dispose();
    }
}
