using System.Globalization;
using System.Text.Json;
using NovaOps.Rca;
using NovaOps.Rca.Evidence;
using NovaOps.Rca.Graph;

namespace NovaOps.Evaluation.Rca;

/// <summary>One labelled case: the RCA input, the true root cause and, when the dataset says, the kind of fault.</summary>
public sealed record LabelledCase(string Split, string Name, RcaCase Case, string RootCause, string? Kind = null);

/// <summary>
/// Reads the PetShop RCA layout (Hardt et al. 2023): <c>graph.csv</c> (adjacency matrix, row → column is
/// caller → callee), <c>noissue/metrics.csv</c> (normal operation: each metric's baseline) and
/// <c>train|test/issue_N/</c> with <c>metrics.csv</c> (three header rows: component, metric, statistic;
/// then unix timestamp and values, empty = no data) and <c>target.json</c> (the symptom and its time, the
/// true root cause). A metric is named "metric.statistic" (e.g. "latency.p90").
/// </summary>
public static class PetShopDataset
{
    public static IReadOnlyList<LabelledCase> Load(string directory, IEnumerable<string>? splits = null)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: no such dataset folder");
        var graph = ReadGraph(Path.Combine(directory, "graph.csv"));
        var baselines = new Dictionary<(string, string), RobustBaseline>();
        foreach (var s in ReadMetrics(Path.Combine(directory, "noissue", "metrics.csv")))
            if (RobustBaseline.Fit(s.Values) is { } b) baselines[(s.Node, s.Metric)] = b;

        var cases = new List<LabelledCase>();
        foreach (var split in splits ?? ["train", "test"])
        {
            var root = Path.Combine(directory, split);
            if (!Directory.Exists(root)) continue;
            var dirs = Directory.GetDirectories(root, "issue_*").OrderBy(d => int.TryParse(Path.GetFileName(d)[6..], out int n) ? n : int.MaxValue);
            foreach (var dir in dirs)
            {
                using var target = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "target.json")));
                var t = target.RootElement.GetProperty("target");
                string symptom = t.GetProperty("node").GetString()!;
                long onset = (long)t.GetProperty("timestamp").GetDouble();
                string cause = target.RootElement.GetProperty("root_cause").GetProperty("node").GetString()!;
                var c = new RcaCase(graph, symptom, onset, ReadMetrics(Path.Combine(dir, "metrics.csv")), baselines);
                cases.Add(new LabelledCase(split, Path.GetFileName(dir), c, cause));
            }
        }
        if (cases.Count == 0) throw new InvalidDataException($"{directory}: no train/issue_N or test/issue_N cases");
        return cases;
    }

    public static DependencyGraph ReadGraph(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2) throw new InvalidDataException($"{path}: an adjacency matrix needs a header row and one row per node");
        var columns = Csv.Split(lines[0]).Skip(1).ToList();
        var graph = new DependencyGraph();
        foreach (var name in columns) graph.Add(name);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = Csv.Split(line);
            for (int j = 1; j < cells.Count && j - 1 < columns.Count; j++)
                if (double.TryParse(cells[j], CultureInfo.InvariantCulture, out double w) && w != 0) graph.AddCall(cells[0], columns[j - 1]);
        }
        return graph;
    }

    public static IReadOnlyList<MetricSeries> ReadMetrics(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length < 3) throw new InvalidDataException($"{path}: expected three header rows (microservice, metric, statistic)");
        var nodes = Csv.Split(lines[0]);
        var metrics = Csv.Split(lines[1]);
        var statistics = Csv.Split(lines[2]);
        var times = new List<long>();
        var values = Enumerable.Range(0, nodes.Count).Select(_ => new List<double>()).ToArray();
        foreach (var line in lines.Skip(3))
        {
            var cells = Csv.Split(line);
            // A fourth header row ("unix_timestamp", empties) precedes the data in some files.
            if (cells.Count == 0 || !double.TryParse(cells[0], CultureInfo.InvariantCulture, out double ts)) continue;
            times.Add((long)ts);
            for (int j = 1; j < nodes.Count; j++)
                values[j].Add(j < cells.Count && double.TryParse(cells[j], CultureInfo.InvariantCulture, out double v) ? v : double.NaN);
        }
        return [.. Enumerable.Range(1, nodes.Count - 1).Select(j => new MetricSeries(nodes[j], $"{Cell(metrics, j)}.{Cell(statistics, j)}", times, values[j]))];
    }

    private static string Cell(List<string> row, int j) => j < row.Count ? row[j] : "";
}

/// <summary>Comma-separated cells with double-quoted fields (component names hold no commas, but may be quoted).</summary>
internal static class Csv
{
    public static List<string> Split(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cell.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(ch);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
