using System.Globalization;
using System.Text.Json;

namespace NovaOps.Evaluation.Nab;

/// <summary>A NAB series as read from disk: timestamps and values, plus its labelled windows.</summary>
public sealed record NabFile(string Name, IReadOnlyList<DateTime> Timestamps, IReadOnlyList<double> Values,
    IReadOnlyList<(DateTime Start, DateTime End)> Windows)
{
    /// <summary>Maps the labelled time windows onto inclusive row ranges.</summary>
    public IReadOnlyList<(int Start, int End)> WindowRows()
    {
        var rows = new List<(int, int)>();
        foreach (var (start, end) in Windows)
        {
            int s = -1, e = -1;
            for (int i = 0; i < Timestamps.Count; i++)
            {
                if (Timestamps[i] < start || Timestamps[i] > end) continue;
                if (s < 0) s = i;
                e = i;
            }
            if (s >= 0) rows.Add((s, e));
        }
        return rows;
    }
}

/// <summary>Reads NAB's layout: <c>data/&lt;category&gt;/&lt;name&gt;.csv</c> and the windows JSON.</summary>
public static class NabCorpus
{
    public static IReadOnlyList<NabFile> Load(string dataDir, string windowsFile)
    {
        if (!Directory.Exists(dataDir)) throw new DirectoryNotFoundException($"NAB data folder not found: {dataDir}");
        if (!File.Exists(windowsFile)) throw new FileNotFoundException($"NAB windows file not found: {windowsFile}");
        var files = new List<NabFile>();
        foreach (var (name, windows) in ReadWindows(windowsFile).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            string path = Path.Combine(dataDir, name);
            if (!File.Exists(path)) continue; // the windows file covers the whole corpus; a subset has fewer files
            var (ts, values) = ReadSeries(path);
            files.Add(new NabFile(name, ts, values, windows));
        }
        if (files.Count == 0) throw new InvalidDataException($"no series of {windowsFile} found under {dataDir}");
        return files;
    }

    /// <summary>
    /// Every <c>.csv</c> series below <paramref name="dataDir"/> (named by its path from there, as NAB names them), with
    /// its labelled windows when a windows file is given (series it does not list have none). For training on a folder
    /// of exported series, labelled or not.
    /// </summary>
    public static IReadOnlyList<NabFile> ReadFolder(string dataDir, string? windowsFile = null)
    {
        if (!Directory.Exists(dataDir)) throw new DirectoryNotFoundException($"series folder not found: {dataDir}");
        if (windowsFile is not null && !File.Exists(windowsFile)) throw new FileNotFoundException($"windows file not found: {windowsFile}");
        var windows = windowsFile is null ? [] : ReadWindows(windowsFile);
        var files = new List<NabFile>();
        foreach (string path in Directory.EnumerateFiles(dataDir, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(dataDir, path).Replace(Path.DirectorySeparatorChar, '/');
            var (ts, values) = ReadSeries(path);
            files.Add(new NabFile(name, ts, values, windows.GetValueOrDefault(name) ?? []));
        }
        if (files.Count == 0) throw new InvalidDataException($"no .csv series under {dataDir}");
        return files;
    }

    /// <summary>The windows file: each series' name and its labelled windows.</summary>
    private static Dictionary<string, List<(DateTime Start, DateTime End)>> ReadWindows(string windowsFile)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(windowsFile));
        return doc.RootElement.EnumerateObject().ToDictionary(e => e.Name,
            e => e.Value.EnumerateArray().Select(w => (ParseTs(w[0].GetString()!), ParseTs(w[1].GetString()!))).ToList(), StringComparer.Ordinal);
    }

    public static (List<DateTime> Timestamps, List<double> Values) ReadSeries(string path)
    {
        var ts = new List<DateTime>();
        var values = new List<double>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (lineNo == 1 || line.Length == 0) continue;
            int comma = line.IndexOf(',');
            if (comma < 0) throw new InvalidDataException($"{path}:{lineNo}: expected 'timestamp,value'");
            ts.Add(ParseTs(line[..comma]));
            values.Add(double.TryParse(line[(comma + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN);
        }
        return (ts, values);
    }

    public static DateTime ParseTs(string s) =>
        DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
}
