using System.Globalization;
using System.Text.Json;
using NovaOps.Rca;
using NovaOps.Rca.Evidence;
using NovaOps.Rca.Graph;

namespace NovaOps.Evaluation.Rca;

/// <summary>
/// Reads the Nezha RCA layout (Yu et al., FSE 2023): one folder per day holding <c>&lt;day&gt;-fault_list.json</c>
/// (faults grouped by hour: <c>inject_timestamp</c>, <c>inject_pod</c>, <c>inject_type</c>) and <c>metric/</c> with one
/// <c>&lt;pod&gt;_metric.csv</c> per pod (a row a minute) and, when the call graph is known, <c>dependency.csv</c>
/// (<c>Source,Target,Weight</c>, caller → callee). A pod's service is its name without the last two dash-separated
/// parts; services are what is ranked. Each fault is a case: the metrics from <see cref="NezhaReadOptions.History"/>
/// before the injection (the normal history each metric is judged against) to <see cref="NezhaReadOptions.After"/>
/// after it. Metric columns get NovaOps' names (<see cref="MetricName"/>), so that load and host metrics are known as
/// such whatever the source calls them.
/// </summary>
public static class NezhaDataset
{
    public const string GraphFile = "dependency.csv";

    /// <summary>The day folders of <paramref name="directory"/>: itself when it holds a fault list, else its subfolders that do, by name.</summary>
    public static IReadOnlyList<string> Days(string directory)
    {
        if (!Directory.Exists(directory)) return [];
        if (FaultList(directory) is not null) return [directory];
        return [.. Directory.GetDirectories(directory).Where(d => FaultList(d) is not null).Order(StringComparer.Ordinal)];
    }

    /// <summary>Whether <paramref name="directory"/> is in this layout (a day folder, or a folder of them).</summary>
    public static bool Recognises(string directory) => Days(directory).Count > 0;

    private static string? FaultList(string day) =>
        Directory.GetFiles(day, "*-fault_list.json").OrderBy(f => f, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>Every fault of every day folder as a labelled case; the split is the day folder's name.</summary>
    public static IReadOnlyList<LabelledCase> Load(string directory, NezhaReadOptions? options = null)
    {
        options ??= new NezhaReadOptions();
        var days = Days(directory);
        if (days.Count == 0) throw new InvalidDataException($"{directory}: no <day>-fault_list.json here or in a subfolder (the Nezha layout)");
        var cases = new List<LabelledCase>();
        foreach (var day in days) cases.AddRange(LoadDay(day, options));
        return cases;
    }

    private static IEnumerable<LabelledCase> LoadDay(string day, NezhaReadOptions options)
    {
        string split = Path.GetFileName(Path.TrimEndingDirectorySeparator(day));
        string metricDir = Path.Combine(day, "metric");
        if (!Directory.Exists(metricDir)) throw new InvalidDataException($"{day}: no metric/ folder");
        var pods = Directory.GetFiles(metricDir, "*_metric.csv").Order(StringComparer.Ordinal).Select(ReadPod).ToList();
        if (pods.Count == 0) throw new InvalidDataException($"{metricDir}: no <pod>_metric.csv files");
        var services = pods.Select(p => p.Service).ToHashSet(StringComparer.Ordinal);

        var graph = new DependencyGraph();
        foreach (var s in services.Order(StringComparer.Ordinal)) graph.Add(s);
        string graphPath = Path.Combine(metricDir, GraphFile);
        if (options.UseGraph && File.Exists(graphPath))
            foreach (var (caller, callee) in ReadCalls(graphPath))
                if (services.Contains(caller) && services.Contains(callee)) graph.AddCall(caller, callee); // hosts (IPs) and the load generator have no metrics here

        string symptom = services.Contains(options.Entry) ? options.Entry : services.Order(StringComparer.Ordinal).First();
        long history = (long)options.History.TotalSeconds, after = (long)options.After.TotalSeconds;
        foreach (var fault in ReadFaults(FaultList(day)!))
        {
            var series = new List<MetricSeries>();
            foreach (var pod in pods)
            {
                int from = LowerBound(pod.Times, fault.At - history), to = LowerBound(pod.Times, fault.At + after + 1);
                if (to <= from) continue;
                var times = pod.Times.GetRange(from, to - from);
                foreach (var (metric, values) in pod.Metrics)
                    series.Add(new MetricSeries(pod.Service, metric, times, values.GetRange(from, to - from)));
            }
            var c = new RcaCase(graph, symptom, fault.At, series, new Dictionary<(string, string), RobustBaseline>());
            yield return new LabelledCase(split, fault.Id, c, ServiceOf(fault.Pod), fault.Type);
        }
    }

    /// <summary>A pod's service: its name without the last two dash-separated parts (the deployment's hashes).</summary>
    public static string ServiceOf(string pod)
    {
        var parts = pod.Split('-');
        return parts.Length > 2 ? string.Join('-', parts[..^2]) : pod;
    }

    /// <summary>
    /// NovaOps' name of a Nezha metric column, "metric.statistic" as PetShop's: server-side latency is <c>latency</c>
    /// (what a pod's callers wait for), client-side <c>client_latency</c> (what it waits for from its callees), the
    /// success rate <c>availability</c>, the workload <c>requests</c> and the node's metrics <c>node_…</c> (the host's,
    /// not the pod's). Other columns keep their own names.
    /// </summary>
    public static string MetricName(string column) => column switch
    {
        "CpuUsage(m)" => "cpu.millicores",
        "CpuUsageRate(%)" => "cpu.percent",
        "MemoryUsage(Mi)" => "memory.mib",
        "MemoryUsageRate(%)" => "memory.percent",
        "SyscallRead" => "syscalls.read",
        "SyscallWrite" => "syscalls.write",
        "NetworkReceiveBytes" => "net_rx_bytes.pod",
        "NetworkTransmitBytes" => "net_tx_bytes.pod",
        "PodWorkload(Ops)" => "requests.ops",
        "PodSuccessRate(%)" => "availability.percent",
        "NodeCpuUsageRate(%)" => "node_cpu.percent",
        "NodeMemoryUsageRate(%)" => "node_memory.percent",
        "NodeNetworkReceiveBytes" => "node_net_rx_bytes.node",
        _ when column.StartsWith("PodServerLatency", StringComparison.Ordinal) => $"latency.{Percentile(column)}",
        _ when column.StartsWith("PodClientLatency", StringComparison.Ordinal) => $"client_latency.{Percentile(column)}",
        _ => column,
    };

    private static string Percentile(string column)
    {
        int p = column.IndexOf('P', "PodXLatency".Length);
        int end = column.IndexOf('(', Math.Max(p, 0));
        return p < 0 ? column : column[p..(end < 0 ? column.Length : end)].ToLowerInvariant();
    }

    private sealed record Pod(string Name, string Service, List<long> Times, List<(string Metric, List<double> Values)> Metrics);

    private sealed record Fault(string Id, long At, string Pod, string Type);

    /// <summary>One pod's file; a cell that is not a number (empty: no data) is an error naming the file, line and column.</summary>
    private static Pod ReadPod(string path)
    {
        string name = Path.GetFileName(path)[..^"_metric.csv".Length];
        using var reader = new StreamReader(path);
        var header = Csv.Split(reader.ReadLine() ?? throw new InvalidDataException($"{path}: empty file"));
        // The time of a row is its Time column (its first 19 characters, UTC): the published adservice files carry a
        // TimeStamp 200,000,000 s ahead of it, which would put that service's data six years after its faults.
        int time = header.IndexOf("Time"), stamp = header.IndexOf("TimeStamp");
        if (time < 0 && stamp < 0) throw new InvalidDataException($"{path}: line 1: no Time or TimeStamp column");
        var skip = new HashSet<int> { time, stamp, header.IndexOf("PodName") };
        var columns = Enumerable.Range(0, header.Count).Where(j => !skip.Contains(j)).ToList();
        var metrics = columns.Select(j => (MetricName(header[j]), new List<double>())).ToList();
        var times = new List<long>();
        int line = 1;
        for (string? text = reader.ReadLine(); text is not null; text = reader.ReadLine())
        {
            line++;
            if (text.Length == 0) continue;
            var cells = Csv.Split(text);
            if (cells.Count != header.Count)
                throw new InvalidDataException($"{path}: line {line}: {cells.Count} cells where the header has {header.Count}");
            long t = time >= 0 ? ParseTime(cells[time], path, line) : ParseStamp(cells[stamp], path, line);
            if (times.Count > 0 && t <= times[^1])
                throw new InvalidDataException($"{path}: line {line}: time {t} does not follow {times[^1]}");
            times.Add(t);
            for (int k = 0; k < columns.Count; k++)
            {
                string cell = cells[columns[k]];
                double v = double.NaN;
                if (cell.Length > 0 && !double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out v))
                    throw new InvalidDataException($"{path}: line {line}, column {header[columns[k]]}: '{cell}' is not a number");
                metrics[k].Item2.Add(v);
            }
        }
        return new Pod(name, ServiceOf(name), times, metrics);
    }

    private static long ParseTime(string cell, string path, int line) =>
        cell.Length >= 19 && DateTime.TryParseExact(cell[..19], "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? new DateTimeOffset(at, TimeSpan.Zero).ToUnixTimeSeconds()
            : throw new InvalidDataException($"{path}: line {line}, column Time: '{cell}' does not start with yyyy-MM-dd HH:mm:ss");

    private static long ParseStamp(string cell, string path, int line) =>
        long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out long t)
            ? t
            : throw new InvalidDataException($"{path}: line {line}, column TimeStamp: '{cell}' is not a unix time in seconds");

    private static IEnumerable<(string Caller, string Callee)> ReadCalls(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines.Length > 0 ? Csv.Split(lines[0]) : [];
        int source = header.IndexOf("Source"), target = header.IndexOf("Target");
        if (source < 0 || target < 0) throw new InvalidDataException($"{path}: line 1: expected the columns Source,Target");
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = Csv.Split(lines[i]);
            if (cells.Count <= Math.Max(source, target) || cells[source].Length == 0 || cells[target].Length == 0)
                throw new InvalidDataException($"{path}: line {i + 1}: a call needs a Source and a Target");
            yield return (cells[source], cells[target]);
        }
    }

    private static List<Fault> ReadFaults(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var faults = new List<Fault>();
        foreach (var hour in doc.RootElement.EnumerateObject())
            foreach (var f in hour.Value.EnumerateArray())
            {
                string Field(string name) => f.TryGetProperty(name, out var v) ? v.ToString()
                    : throw new InvalidDataException($"{path}: hour {hour.Name}: a fault without {name}");
                if (!long.TryParse(Field("inject_timestamp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long at))
                    throw new InvalidDataException($"{path}: hour {hour.Name}: inject_timestamp '{Field("inject_timestamp")}' is not a unix time in seconds");
                faults.Add(new Fault("", at, Field("inject_pod"), Field("inject_type")));
            }
        return [.. faults.OrderBy(f => f.At).Select((f, i) => f with { Id = $"fault_{i}" })];
    }

    private static int LowerBound(List<long> sorted, long value)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

/// <summary>How <see cref="NezhaDataset"/> cuts its cases.</summary>
public sealed record NezhaReadOptions
{
    /// <summary>The normal history before an injection each metric is judged against.</summary>
    public TimeSpan History { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Data after the injection a ranking may use (the dataset's task: 10 minutes).</summary>
    public TimeSpan After { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Read <c>dependency.csv</c> when there is one (false: rank as if the application came without a call graph).</summary>
    public bool UseGraph { get; init; } = true;

    /// <summary>The service users reach (the symptom the ranking explains); the first service by name when absent.</summary>
    public string Entry { get; init; } = "frontend";
}
