using System.Diagnostics;
using System.Text;
using System.Text.Json;
using NovaOps.Tests.Shared;

namespace NovaOps.Dashboards.Tests;

/// <summary>
/// Every panel query of every dashboard against a real Prometheus (Debian's 2.42, with the NovaOps rules loaded) that
/// scrapes a running demo: `novaops broker`, `novaops demo` on it, and an operator's `novaops failover` of a zone
/// during the run (so the failover panels have a plan and live migrations). Each query must return data.
/// </summary>
public sealed class LivePrometheusTests : IDisposable
{
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "novaops.dll");
    private readonly List<BackgroundProcess> _processes = [];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-prom-");
    private readonly StringBuilder _log = new();

    public void Dispose()
    {
        foreach (var p in _processes) p.Dispose();
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }

    private BackgroundProcess Start(string file, string[] args, Dictionary<string, string>? env = null, Action<string>? onLine = null)
    {
        var p = BackgroundProcess.Start(file, args, env, _log, file == "dotnet" ? args[1] : null, onLine);
        _processes.Add(p);
        return p;
    }

    private static async Task<JsonElement> Query(HttpClient http, string query)
    {
        using var response = await http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(query)}");
        string text = await response.Content.ReadAsStringAsync();
        // Errors of the query itself come as JSON (status "error"); anything else (a 503 while starting) is not an answer.
        if (!response.IsSuccessStatusCode && !text.StartsWith('{')) throw new HttpRequestException($"{query}: {(int)response.StatusCode} {text.Trim()}");
        var body = JsonDocument.Parse(text).RootElement;
        if (body.GetProperty("status").GetString() != "success") throw new InvalidOperationException($"{query}: {body}");
        return body.GetProperty("data").GetProperty("result");
    }

    [Fact]
    public async Task Every_panel_query_returns_data_from_prometheus_scraping_a_demo()
    {
        if (Repository.Which("prometheus") is not { } prometheus) { Repository.Missing("prometheus (Debian package)"); return; }
        var ct = TestContext.Current.CancellationToken;
        var env = new Dictionary<string, string>
        {
            ["NOVAOPS__KAFKA__TOPICPREFIX"] = "eu-west",
            ["NOVAOPS__STREAMS__STATEDIRECTORY"] = Path.Combine(_dir.FullName, "state"),
        };

        var bootstrapSeen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Start("dotnet", [Cli, "broker"], env, l => { if (l.StartsWith("BOOTSTRAP=", StringComparison.Ordinal)) bootstrapSeen.TrySetResult(l["BOOTSTRAP=".Length..]); });
        string bootstrap = await bootstrapSeen.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);

        int metricsPort = LocalPorts.Free(), prometheusPort = LocalPorts.Free();
        var demo = Start("dotnet", [Cli, "demo", "--bootstrap-servers", bootstrap, "--vms", "300", "--duration", "180", "--rate", "6000", "--approve-after", "2"],
            new(env) { ["NOVAOPS__METRICS__PORT"] = metricsPort.ToString() });

        string config = Path.Combine(_dir.FullName, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - {Repository.Path("dashboards", "rules", "novaops.rules.yml")}
            scrape_configs:
              - job_name: novaops
                static_configs:
                  - targets: ['127.0.0.1:{metricsPort}']
            """);
        Start(prometheus, [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_dir.FullName, "tsdb")}",
            $"--web.listen-address=127.0.0.1:{prometheusPort}", "--log.level=warn"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}/"), Timeout = TimeSpan.FromSeconds(10) };

        // Prometheus answers 503 "Service Unavailable" until its storage is open (which failed this test once in CI),
        // then takes a few seconds to show a new target: poll up, counting a server not ready yet as no answer.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            try { if ((await Query(http, "up{job=\"novaops\"} == 1")).GetArrayLength() == 1) break; }
            catch (HttpRequestException) { }
            Assert.False(demo.HasExited, $"the demo ended early:\n{_log}");
            await Task.Delay(1000, ct);
        }
        Assert.True((await Query(http, "up{job=\"novaops\"} == 1")).GetArrayLength() == 1, $"Prometheus never scraped the demo:\n{_log}");

        // An operator evacuates a zone mid-run: a plan, then live migrations paced by the executor. First the demo must be
        // running: its placement service has adopted the simulator's 300 VMs (on a CI machine running the other test
        // projects beside it, the apps took over 30 s to start).
        while (clock.Elapsed < TimeSpan.FromSeconds(180) && !demo.HasExited
            && (await Query(http, "sum(novaops_placement_decisions_total{outcome=\"adopted\"}) >= 300")).GetArrayLength() == 0)
            await Task.Delay(1000, ct);
        var failover = Start("dotnet", [Cli, "failover", "--bootstrap-servers", bootstrap, "--zone", "eu-west-b", "--reason", "test", "--timeout", "90"], env);
        await failover.Process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(120), ct);
        Assert.True(failover.Process.ExitCode == 0, $"novaops failover failed:\n{_log}");

        // Every query, as Grafana sends it with every variable at All, until it has data (recording rules run every 15 s).
        var queries = Catalog.All.SelectMany(d => d.ResolvedQueries("1m", "1h").Select(q => (Where: $"{d.Uid} / {q.Panel}", q.Expr))).ToList();
        var empty = queries.ToList();
        while (empty.Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(300) && !demo.HasExited)
        {
            var still = new List<(string, string)>();
            foreach (var q in empty)
                if ((await Query(http, q.Expr)).GetArrayLength() == 0) still.Add(q);
            empty = still;
            if (empty.Count > 0) await Task.Delay(2000, ct);
        }
        Assert.True(empty.Count == 0, $"{empty.Count} of {queries.Count} panel queries returned no data:\n{string.Join("\n", empty.Select(q => $"  {q.Item1}: {q.Item2}"))}\n\nlog:\n{_log}");
    }
}
