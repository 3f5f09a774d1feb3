using NovaOps.Rca;
using NovaOps.Rca.Evidence;
using NovaOps.Rca.Graph;

namespace NovaOps.Rca.Tests;

/// <summary>
/// The analysis on small hand-built incidents: a frontend calls an API that calls a database; the database
/// slows down and the slowness climbs to the frontend, each hop a little weaker and a step later.
/// </summary>
public class AnalyzerTests
{
    private const long Onset = 10_000;
    private static readonly long[] Times = [Onset - 600, Onset - 300, Onset, Onset + 300, Onset + 600];

    private static DependencyGraph Chain()
    {
        var g = new DependencyGraph();
        g.AddCall("frontend", "api");
        g.AddCall("api", "db");
        g.AddCall("api", "cache");
        return g;
    }

    private static MetricSeries Latency(string node, params double[] values) => new(node, "latency.Average", Times, values);

    private static Dictionary<(string, string), RobustBaseline> Baselines(params string[] nodes) =>
        nodes.ToDictionary(n => (n, "latency.Average"), _ => RobustBaseline.Fit([100, 101, 99, 102, 98, 100, 101, 99])!);

    private static RcaCase Incident(DependencyGraph g) => new(g, "frontend", Onset,
    [
        Latency("db", 100, 100, 400, 450, 450),        // the cause: first and hardest hit
        Latency("api", 100, 100, 100, 380, 420),       // a step later
        Latency("frontend", 100, 101, 100, 350, 400),  // the symptom
        Latency("cache", 100, 99, 101, 100, 100),      // healthy
        new("api", "requests.Sum", Times, [1000, 1000, 1000, 5000, 5000]), // load: not evidence
    ], Baselines("db", "api", "frontend", "cache"));

    [Theory]
    [InlineData("nsigma")]
    [InlineData("pagerank")]
    [InlineData("timing")]
    [InlineData("combined")]
    [InlineData("roles")]
    [InlineData("roles-walk")]
    public void Every_method_puts_the_database_first(string method)
    {
        var result = new RootCauseAnalyzer().Analyze(Incident(Chain()), method);
        Assert.Equal(method, result.Method);
        Assert.Equal("db", result.Candidates[0].Node);
        Assert.DoesNotContain(result.Candidates, c => c.Node == "cache");
    }

    [Fact]
    public void The_first_candidate_carries_its_evidence_and_path_to_the_symptom()
    {
        var db = new RootCauseAnalyzer().Analyze(Incident(Chain())).Candidates[0];
        Assert.Equal(["db", "api", "frontend"], db.PathToSymptom);
        Assert.Equal(Onset, db.ChangedAt);
        var change = Assert.Single(db.Evidence);
        Assert.Equal("latency.Average", change.Metric);
        Assert.Equal(450, change.Peak);
        Assert.True(change.Z > 100);
    }

    [Fact]
    public void Load_metrics_are_not_evidence()
    {
        var g = Chain();
        var c = new RcaCase(g, "frontend", Onset, [new("api", "requests.Sum", Times, [1000, 1000, 1000, 5000, 5000]), Latency("cache", 100, 100, 100, 100, 100)],
            Baselines("cache"));
        var result = new RootCauseAnalyzer().Analyze(c);
        Assert.Empty(result.Candidates);
        Assert.Contains("no node's health metrics moved", result.Note);
    }

    [Fact]
    public void A_graph_with_cycles_is_ranked_and_paths_end()
    {
        var g = Chain();
        g.AddCall("db", "api");        // a cycle api ⇄ db
        g.AddCall("frontend", "frontend"); // self-calls are ignored
        // api ⇄ db: the graph no longer says which is below the other; magnitude and timing still do, and
        // the graph methods keep both on top.
        var analyzer = new RootCauseAnalyzer();
        Assert.Equal("db", analyzer.Analyze(Incident(g), "nsigma").Candidates[0].Node);
        Assert.Equal("db", analyzer.Analyze(Incident(g), "timing").Candidates[0].Node);
        foreach (var method in new[] { "pagerank", "combined" })
            Assert.Equal(["api", "db"], analyzer.Analyze(Incident(g), method).Candidates.Take(2).Select(c => c.Node).Order());
        Assert.Equal(["db", "api", "frontend"], g.PathToSymptom(g.IndexOf("db"), g.IndexOf("frontend")));
    }

    [Fact]
    public void A_node_the_graph_does_not_know_is_still_ranked_without_a_path()
    {
        var c = Incident(Chain()) with { };
        var series = c.Series.Append(Latency("batch-job", 100, 100, 900, 900, 900)).ToList();
        var baselines = new Dictionary<(string, string), RobustBaseline>(c.Baselines) { [("batch-job", "latency.Average")] = c.Baselines[("db", "latency.Average")] };
        var result = new RootCauseAnalyzer().Analyze(c with { Series = series, Baselines = baselines }, "nsigma");
        var unknown = Assert.Single(result.Candidates, x => x.Node == "batch-job");
        Assert.Empty(unknown.PathToSymptom);
        Assert.Equal("batch-job", result.Candidates[0].Node); // the loudest, for a method without the graph
    }

    [Fact]
    public void Missing_data_and_missing_history_are_no_evidence_not_a_crash()
    {
        var g = Chain();
        var c = new RcaCase(g, "frontend", Onset,
        [
            Latency("db", double.NaN, double.NaN, double.NaN, double.NaN, double.NaN), // no data at all
            Latency("api", 100, 100, double.NaN, 500, double.NaN),                     // gaps
            Latency("cache", 100, 100, 100, 100, 100),                                 // no baseline, too few points before onset
        ], Baselines("api"));
        var result = new RootCauseAnalyzer().Analyze(c);
        Assert.Equal("api", Assert.Single(result.Candidates).Node);
    }

    /// <summary>
    /// The database's CPU runs hot and it serves slower; its callers only wait for it, and the waits add up on the way to
    /// the frontend, so their latency moves further than the database's own (in its history's units).
    /// </summary>
    private static RcaCase CpuHogBelow(DependencyGraph g)
    {
        var baselines = Baselines("db", "api", "frontend", "cache");
        baselines[("db", "cpu.percent")] = RobustBaseline.Fit([20, 21, 19, 22, 18, 20, 21, 19])!;
        return new(g, "frontend", Onset,
        [
            new("db", "cpu.percent", Times, [20, 20, 60, 65, 65]),  // its own resource: about 30σ
            Latency("db", 100, 100, 130, 140, 140),                 // about 30σ
            Latency("api", 100, 100, 100, 160, 170),                // about 50σ: waits add up
            Latency("frontend", 100, 101, 100, 170, 180),           // the loudest: the symptom
            Latency("cache", 100, 99, 101, 100, 100),
        ], baselines);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_roles_methods_find_a_callee_whose_own_resources_moved_with_or_without_the_graph(bool graph)
    {
        var c = CpuHogBelow(graph ? Chain() : Chain().WithoutCalls());
        var analyzer = new RootCauseAnalyzer();
        Assert.Equal("frontend", analyzer.Analyze(c, "nsigma").Candidates[0].Node); // the loudest metric misleads
        foreach (var method in new[] { "roles", "roles-walk" })
        {
            var result = analyzer.Analyze(c, method);
            Assert.Equal("db", result.Candidates[0].Node);
            Assert.Equal(graph ? ["db", "api", "frontend"] : [], result.Candidates[0].PathToSymptom);
        }
        Assert.Equal("roles-walk", RootCauseAnalyzer.DefaultMethod);
    }

    [Fact]
    public void Metrics_are_read_in_their_roles_whatever_the_source_calls_them()
    {
        var o = new RcaOptions();
        Assert.Equal(MetricRole.Resource, o.RoleOf("cpu_util"));
        Assert.Equal(MetricRole.Resource, o.RoleOf("memory.percent"));
        Assert.Equal(MetricRole.Resource, o.RoleOf("syscalls.read"));
        Assert.Equal(MetricRole.Latency, o.RoleOf("latency_p99_ms"));
        Assert.Equal(MetricRole.Latency, o.RoleOf("latency.p90"));
        Assert.Equal(MetricRole.Other, o.RoleOf("client_latency.p99")); // what it waits for, not what it serves
        Assert.Equal(MetricRole.Errors, o.RoleOf("availability.Average"));
        Assert.Equal(MetricRole.Errors, o.RoleOf("error_rate"));
        Assert.Equal(MetricRole.Load, o.RoleOf("requests.Sum"));
        Assert.Equal(MetricRole.Other, o.RoleOf("node_cpu.percent")); // the host's, not the service's
    }

    [Fact]
    public void An_unknown_method_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new RootCauseAnalyzer().Analyze(Incident(Chain()), "magic"));
        Assert.Contains("combined", e.Message);
    }
}
