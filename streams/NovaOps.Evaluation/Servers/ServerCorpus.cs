using NovaOps.Detection.Offline;

namespace NovaOps.Evaluation.Servers;

/// <summary>One server of a multivariate benchmark: its normal history, its test rows and a label per test row.</summary>
public sealed record ServerCase(string Name, MetricTable Train, MetricTable Test, bool[] Labels);

/// <summary>
/// Reads the layout of ASD-like benchmarks: one folder per server holding <c>train.csv</c>, <c>test.csv</c> and
/// <c>test_label.csv</c> (<c>timestamp,label</c>, one row per test row, 1 = anomalous).
/// </summary>
public static class ServerCorpus
{
    public static IReadOnlyList<ServerCase> Load(string dataDir, IReadOnlyList<string>? columns = null)
    {
        if (!Directory.Exists(dataDir)) throw new DirectoryNotFoundException($"benchmark folder not found: {dataDir}");
        var cases = new List<ServerCase>();
        foreach (var dir in Directory.GetDirectories(dataDir).OrderBy(NaturalKey, StringComparer.Ordinal))
        {
            string test = Path.Combine(dir, "test.csv");
            if (!File.Exists(test)) continue; // not a server folder (e.g. interpretation/)
            string name = Path.GetFileName(dir);
            var trainTable = MetricCsv.Read(Path.Combine(dir, "train.csv"), columns);
            var testTable = MetricCsv.Read(test, trainTable.Columns);
            var labels = MetricCsv.Read(Path.Combine(dir, "test_label.csv"), ["label"]);
            if (labels.Count != testTable.Count)
                throw new InvalidDataException($"{name}: {labels.Count} labels for {testTable.Count} test rows");
            cases.Add(new ServerCase(name, trainTable, testTable, [.. labels.Rows.Select(r => r[0] >= 0.5)]));
        }
        if (cases.Count == 0) throw new InvalidDataException($"no server folder (with train.csv, test.csv, test_label.csv) under {dataDir}");
        return cases;
    }

    // omi-2 before omi-10.
    private static string NaturalKey(string path) =>
        System.Text.RegularExpressions.Regex.Replace(Path.GetFileName(path), @"\d+", m => m.Value.PadLeft(8, '0'));
}
