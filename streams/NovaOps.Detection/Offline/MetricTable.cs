using System.Globalization;

namespace NovaOps.Detection.Offline;

/// <summary>
/// Rows of several metrics read from a CSV: one time per row (Unix milliseconds) and the chosen columns' values,
/// NaN where a cell is empty (a missing sample, which the scorers pass over).
/// </summary>
public sealed record MetricTable(IReadOnlyList<string> Columns, long[] TimestampsMs, double[][] Rows)
{
    public int Count => Rows.Length;
}

/// <summary>
/// Reads a CSV with a header row into a <see cref="MetricTable"/>. A row that cannot be read (wrong number of cells,
/// a value that is not a number, a time that is not one) stops the read with an error naming the file, the line and
/// the column, so that no row is silently skipped or scored as something it is not.
/// </summary>
public static class MetricCsv
{
    /// <param name="columns">Columns to read, in this order; null or empty: every column but the time whose first row is numeric.</param>
    /// <param name="timestampColumn">Column with the row time: Unix seconds or a date and time (UTC); when the file has none, rows are one second apart.</param>
    public static MetricTable Read(string path, IReadOnlyList<string>? columns = null, string timestampColumn = "timestamp")
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file not found: {path}", path);
        string name = Path.GetFileName(path);
        using var reader = new StreamReader(path);
        string? header = reader.ReadLine();
        if (string.IsNullOrWhiteSpace(header)) throw new InvalidDataException($"{name} is empty: a header row is expected");
        var names = header.Split(',').Select(Unquote).ToArray();
        int timeIdx = Array.IndexOf(names, timestampColumn);

        var rawRows = new List<(int Line, string[] Cells)>();
        string? line;
        for (int lineNo = 2; (line = reader.ReadLine()) is not null; lineNo++)
        {
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            if (cells.Length != names.Length)
                throw new InvalidDataException($"{name} line {lineNo}: {cells.Length} cells where the header has {names.Length}");
            rawRows.Add((lineNo, cells));
        }

        int[] picked = columns is { Count: > 0 } ? [.. columns.Select(c => Pick(names, c, name))] : Numeric(names, timeIdx, rawRows, name);
        var timestamps = new long[rawRows.Count];
        var rows = new double[rawRows.Count][];
        for (int r = 0; r < rawRows.Count; r++)
        {
            var (lineNo, cells) = rawRows[r];
            timestamps[r] = timeIdx < 0 ? (r + 1) * 1000L : ParseTime(cells[timeIdx], name, lineNo, timestampColumn);
            var row = rows[r] = new double[picked.Length];
            for (int c = 0; c < picked.Length; c++)
                row[c] = ParseValue(cells[picked[c]], name, lineNo, names[picked[c]]);
        }
        return new MetricTable([.. picked.Select(i => names[i])], timestamps, rows);
    }

    private static int Pick(string[] names, string column, string file)
    {
        int i = Array.IndexOf(names, column);
        return i >= 0 ? i : throw new InvalidDataException($"{file} has no column '{column}' (columns: {string.Join(", ", names)})");
    }

    private static int[] Numeric(string[] names, int timeIdx, List<(int Line, string[] Cells)> rows, string file)
    {
        if (rows.Count == 0) throw new InvalidDataException($"{file} has a header and no rows");
        var first = rows[0].Cells;
        int[] numeric = [.. Enumerable.Range(0, names.Length).Where(i => i != timeIdx && IsNumber(first[i]))];
        return numeric.Length > 0 ? numeric
            : throw new InvalidDataException($"{file} line {rows[0].Line}: no numeric column to score besides '{(timeIdx >= 0 ? names[timeIdx] : "")}'");
    }

    private static bool IsNumber(string cell) =>
        double.TryParse(Unquote(cell), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static double ParseValue(string cell, string file, int line, string column)
    {
        var text = Unquote(cell);
        if (text.Length == 0) return double.NaN;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) return v;
        throw new InvalidDataException($"{file} line {line}, column '{column}': '{text}' is not a finite number");
    }

    private static long ParseTime(string cell, string file, int line, string column)
    {
        var text = Unquote(cell);
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && Math.Abs(seconds) < 253_402_300_800L)
            return seconds * 1000;
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            return new DateTimeOffset(t).ToUnixTimeMilliseconds();
        throw new InvalidDataException($"{file} line {line}, column '{column}': '{text}' is neither Unix seconds nor a date and time");
    }

    private static string Unquote(string cell) => cell.Trim().Trim('"');
}
