using NovaOps.Evaluation.Rca;

namespace NovaOps.Rca.Tests;

/// <summary>The Nezha layout read from small folders written here, and the development set when it is beside the clone.</summary>
public sealed class NezhaDatasetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nezha-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private const string Header = "Time,TimeStamp,PodName,CpuUsageRate(%),PodServerLatencyP90(s),PodClientLatencyP99(s),PodSuccessRate(%),PodWorkload(Ops)";

    /// <summary>A day folder: two pods of two services, a row a minute from t0, and two faults in two hours.</summary>
    private string Day(string name, bool graph = true, string? badRow = null)
    {
        string day = Path.Combine(_root, name), metric = Path.Combine(day, "metric");
        Directory.CreateDirectory(metric);
        const long t0 = 1_661_140_000;
        foreach (var pod in new[] { "frontend-579b9bff58-t2dbm", "cartservice-579f59597d-wc2lz" })
        {
            // The TimeStamp column is off, as adservice's is in the published data: the Time column is the row's time.
            var rows = Enumerable.Range(0, 120).Select(i =>
                $"{DateTimeOffset.FromUnixTimeSeconds(t0 + 60 * i):yyyy-MM-dd HH:mm:ss}.640328427 +0000 UTC m=+0.1,{t0 + 200_000_000 + 60 * i},{pod},{10 + i % 3},0.004,0.005,100,{9 + i % 2}").ToList();
            if (badRow is not null) rows[5] = badRow;
            File.WriteAllLines(Path.Combine(metric, $"{pod}_metric.csv"), [Header, .. rows]);
        }
        if (graph) File.WriteAllLines(Path.Combine(metric, "dependency.csv"), ["Source,Target,Weight", "frontend,cartservice,1", "cartservice,33.33.33.80,1"]);
        File.WriteAllText(Path.Combine(day, $"{name}-fault_list.json"), $$"""
            {
              "05": [ { "inject_time": "b", "inject_timestamp": "{{t0 + 90 * 60}}", "inject_pod": "frontend-579b9bff58-t2dbm", "inject_type": "exception" } ],
              "04": [ { "inject_time": "a", "inject_timestamp": "{{t0 + 70 * 60}}", "inject_pod": "cartservice-579f59597d-wc2lz", "inject_type": "cpu_contention" } ]
            }
            """);
        return day;
    }

    [Fact]
    public void Pods_become_services_and_every_fault_of_every_day_a_case()
    {
        Day("2022-08-22");
        Day("2022-08-23");
        var cases = NezhaDataset.Load(_root);
        Assert.Equal(["2022-08-22", "2022-08-22", "2022-08-23", "2022-08-23"], cases.Select(c => c.Split));
        var first = cases[0];
        Assert.Equal(("cartservice", "cpu_contention"), (first.RootCause, first.Kind)); // the hours' faults in time order
        Assert.Equal(("frontend", "exception"), (cases[1].RootCause, cases[1].Kind));
        Assert.Equal(["cartservice", "frontend"], first.Case.Graph.Nodes.Order());
        Assert.Equal(1, first.Case.Graph.EdgeCount); // the host (an IP) has no metrics: not a node to rank
        Assert.Equal("frontend", first.Case.Symptom);
        var cpu = first.Case.Series.Single(s => s.Node == "cartservice" && s.Metric == "cpu.percent");
        Assert.Equal(71, cpu.Timestamps.Count); // the hour before the injection and ten minutes after (both ends in)
        Assert.Equal(first.Case.OnsetUnixSeconds + 600, cpu.Timestamps[^1]);
        Assert.Contains(first.Case.Series, s => s.Metric == "latency.p90");
        Assert.Contains(first.Case.Series, s => s.Metric == "client_latency.p99");
        Assert.Contains(first.Case.Series, s => s.Metric == "availability.percent");
        Assert.Contains(first.Case.Series, s => s.Metric == "requests.ops");
    }

    [Fact]
    public void A_day_folder_alone_is_read_and_the_call_graph_may_be_absent()
    {
        var day = Day("2022-08-22", graph: false);
        Assert.True(NezhaDataset.Recognises(day));
        var cases = NezhaDataset.Load(day);
        Assert.Equal(2, cases.Count);
        Assert.Equal(0, cases[0].Case.Graph.EdgeCount);
        Assert.Equal(2, cases[0].Case.Graph.Count);
        var withGraph = NezhaDataset.Load(Day("2022-08-23"), new NezhaReadOptions { UseGraph = false });
        Assert.Equal(0, withGraph[0].Case.Graph.EdgeCount);
    }

    [Fact]
    public void A_malformed_row_names_the_file_line_and_column()
    {
        Day("2022-08-22", badRow: "2022-08-22 03:51:19.6 +0000 UTC,1661140300,frontend-579b9bff58-t2dbm,ten,0.004,0.005,100,9");
        var e = Assert.Throws<InvalidDataException>(() => NezhaDataset.Load(_root));
        Assert.Contains("cartservice-579f59597d-wc2lz_metric.csv: line 7, column CpuUsageRate(%): 'ten' is not a number", e.Message);
    }

    [Fact]
    public void A_row_with_missing_cells_names_the_file_and_line()
    {
        Day("2022-08-22", badRow: "2022-08-22 03:51:19.6 +0000 UTC,1661140300,frontend");
        var e = Assert.Throws<InvalidDataException>(() => NezhaDataset.Load(_root));
        Assert.Contains("line 7: 3 cells where the header has 8", e.Message);
    }

    [Fact]
    public void A_folder_of_another_layout_is_not_taken_for_nezha()
    {
        Directory.CreateDirectory(Path.Combine(_root, "train"));
        Assert.False(NezhaDataset.Recognises(_root));
        Assert.Throws<InvalidDataException>(() => NezhaDataset.Load(_root));
    }

    [Fact]
    public void The_development_set_loads_as_published()
    {
        var cases = NezhaDataset.Load(NovaOps.Tests.Shared.SharedDatasets.Require("nezha-ob-dev", "Nezha OnlineBoutique development set"));
        Assert.Equal(24, cases.Count(c => c.Split == "2022-08-22"));
        Assert.Equal(32, cases.Count(c => c.Split == "2022-08-23"));
        Assert.Equal(["cpu_consumed", "cpu_contention", "exception", "network_delay", "return"], cases.Select(c => c.Kind!).Distinct().Order());
        Assert.All(cases, c => Assert.True(c.Case.Graph.Contains(c.RootCause), c.RootCause));
        Assert.Equal(10, cases[0].Case.Graph.Count);
    }

    [Fact]
    public void The_default_method_ranks_the_development_set_far_ahead_of_the_published_metrics_methods_with_or_without_the_graph()
    {
        // Published on this application (Nezha, Table 3): MicroRCA, the best metrics-only method, 16.1 % first.
        string dir = NovaOps.Tests.Shared.SharedDatasets.Require("nezha-ob-dev", "Nezha OnlineBoutique development set");
        var analyzer = new RootCauseAnalyzer();
        var withGraph = RcaEvaluation.Evaluate(NezhaDataset.Load(dir), analyzer, [RootCauseAnalyzer.DefaultMethod], overAll: true);
        var noGraph = RcaEvaluation.Evaluate(NezhaDataset.Load(dir, new NezhaReadOptions { UseGraph = false }), analyzer, [RootCauseAnalyzer.DefaultMethod], overAll: true);
        var all = withGraph.Single(s => s.Split == RcaEvaluation.All);
        Assert.True(all.Default);
        Assert.Equal(56, all.Cases);
        Assert.True(all.Ac1 >= 0.6, $"AS@1 {all.Ac1:F3} with the graph");
        Assert.True(noGraph.Single(s => s.Split == RcaEvaluation.All).Ac1 >= 0.55, "AS@1 without the graph");
        Assert.Equal(["cpu_consumed", "cpu_contention", "exception", "network_delay", "return"], all.ByType!.Keys);
        Assert.Equal(56, all.ByType.Values.Sum(t => t.Cases));
    }
}
