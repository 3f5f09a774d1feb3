using System.CommandLine;
using System.Globalization;
using NovaOps.Detection.Offline;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary>
/// <c>novaops detect</c>: scores an exported series row by row with a streaming detector, one score per row for all its
/// value columns at once, after learning the entity's history (<c>--train</c>) when one is given.
/// </summary>
public static class DetectCommand
{
    internal static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV with a header row", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "CSV to write: the input columns plus anomaly_score", Required = true };
        var train = new Option<FileInfo?>("--train") { Description = "The entity's history (same columns, e.g. last month), learnt before scoring" };
        var columns = new Option<string?>("--columns") { Description = "Columns to score together, comma-separated (default: every numeric column but the timestamp)" };
        var valueColumn = new Option<string?>("--value-column") { Description = "One column to score (same as --columns with one name)" };
        var timeColumn = new Option<string>("--timestamp-column") { Description = "Column with the row time: Unix seconds or a date (optional)", DefaultValueFactory = _ => "timestamp" };
        var detector = new SeriesDetectorChoice.Options();
        var cmd = new Command("detect", "Score a CSV offline with a streaming detector (no look-ahead), all value columns as one row")
            { input, output, train, columns, valueColumn, timeColumn };
        foreach (var o in detector.All) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var picked = SplitColumns(parse.GetValue(columns)) ?? (parse.GetValue(valueColumn) is { } v ? [v] : null);
            var result = Run(parse.GetValue(input)!, parse.GetValue(output)!, picked, parse.GetValue(timeColumn)!, settings,
                detector.Detector(parse), detector.Model(parse, settings), detector.Likelihood(parse), parse.GetValue(train));
            console.MarkupLineInterpolated(
                $"scored [bold]{result.Rows}[/] rows of {result.Columns.Count} column(s) ({string.Join(", ", result.Columns)}) with {result.Detector}; [yellow]{result.MissingRows}[/] rows without any value scored 0 → {parse.GetValue(output)!.FullName}");
            return 0;
        });
        return cmd;
    }

    public sealed record DetectResult(int Rows, int MissingRows, string Detector, IReadOnlyList<string> Columns);

    /// <summary>Column names from a comma-separated option; null when none is given.</summary>
    public static IReadOnlyList<string>? SplitColumns(string? option) =>
        string.IsNullOrWhiteSpace(option) ? null : option.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <param name="columns">The value columns; null: every numeric column but the time.</param>
    /// <param name="train">History of the same entity with the same columns, learnt first (its scores are not written).</param>
    public static DetectResult Run(FileInfo input, FileInfo output, IReadOnlyList<string>? columns, string timeColumn, NovaOpsSettings settings,
        string detector = SeriesDetectorChoice.Default, NovaOps.Models.Registry.ModelRegistryOptions? model = null, bool? likelihood = null, FileInfo? train = null)
    {
        using var choice = new SeriesDetectorChoice(detector, settings, model, likelihood); // a wrong name fails before any data is read
        if (!input.Exists) throw new CliException($"input file not found: {input.FullName}");
        if (train is { Exists: false }) throw new CliException($"history file (--train) not found: {train.FullName}");
        MetricTable table, history;
        try
        {
            table = MetricCsv.Read(input.FullName, columns, timeColumn);
            history = train is null ? new MetricTable(table.Columns, [], []) : MetricCsv.Read(train.FullName, table.Columns, timeColumn);
        }
        catch (Exception e) when (e is IOException or InvalidDataException) { throw new CliException(e.Message); }

        var scorer = new SeriesScorer(choice.Factory, table.Columns, choice.Series.Features);
        scorer.Learn(history);
        output.Directory?.Create();
        using var writer = new StreamWriter(output.FullName);
        int row = 0, missing = 0;
        foreach (var line in File.ReadLines(input.FullName))
        {
            if (line.Length == 0) continue;
            if (row == 0) { writer.WriteLine(line + ",anomaly_score"); row++; continue; }
            var values = table.Rows[row - 1];
            if (!values.Any(double.IsFinite)) missing++;
            double score = scorer.Next(table.TimestampsMs[row - 1], values);
            writer.Write(line);
            writer.Write(',');
            writer.WriteLine(score.ToString("0.######", CultureInfo.InvariantCulture));
            row++;
        }
        return new DetectResult(table.Count, missing, choice.NameFor(table.Columns), table.Columns);
    }
}
