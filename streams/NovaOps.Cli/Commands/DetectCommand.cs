using System.CommandLine;
using System.Globalization;
using NovaOps.Detection.Offline;
using NovaOps.Evaluation.Nab;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops detect</c>: scores an exported series row by row with the streaming detector.</summary>
public static class DetectCommand
{
    internal static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var input = new Option<FileInfo>("--input") { Description = "CSV with a header row", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "CSV to write: the input columns plus anomaly_score", Required = true };
        var valueColumn = new Option<string>("--value-column") { Description = "Column to score", DefaultValueFactory = _ => "value" };
        var timeColumn = new Option<string>("--timestamp-column") { Description = "Column with the row time (optional)", DefaultValueFactory = _ => "timestamp" };
        var detector = new SeriesDetectorChoice.Options();
        var cmd = new Command("detect", "Score a CSV series offline with a streaming detector (no look-ahead)") { input, output, valueColumn, timeColumn };
        foreach (var o in detector.All) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var result = Run(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(valueColumn)!, parse.GetValue(timeColumn)!, settings,
                detector.Detector(parse), detector.Model(parse, settings), detector.Likelihood(parse));
            console.MarkupLineInterpolated($"scored [bold]{result.Rows}[/] rows with {result.Detector} ([yellow]{result.BadValues}[/] without a numeric value, scored 0) → {parse.GetValue(output)!.FullName}");
            return 0;
        });
        return cmd;
    }

    public sealed record DetectResult(int Rows, int BadValues, string Detector);

    public static DetectResult Run(FileInfo input, FileInfo output, string valueColumn, string timeColumn, NovaOpsSettings settings,
        string detector = "statistical", NovaOps.Models.Registry.ModelRegistryOptions? model = null, bool? likelihood = null)
    {
        if (!input.Exists) throw new CliException($"input file not found: {input.FullName}");
        using var reader = new StreamReader(input.FullName);
        string? header = reader.ReadLine();
        if (header is null) throw new CliException($"{input.Name} is empty: a header row is expected");
        var columns = header.Split(',');
        int valueIdx = Array.FindIndex(columns, c => c.Trim().Trim('"') == valueColumn);
        if (valueIdx < 0) throw new CliException($"{input.Name} has no column '{valueColumn}' (columns: {string.Join(", ", columns)})");
        int timeIdx = Array.FindIndex(columns, c => c.Trim().Trim('"') == timeColumn);

        using var choice = new SeriesDetectorChoice(detector, settings, model, likelihood);
        var scorer = new SeriesScorer(choice.Factory, choice.Series.Features);
        output.Directory?.Create();
        using var writer = new StreamWriter(output.FullName);
        writer.WriteLine(header + ",anomaly_score");
        int rows = 0, bad = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            rows++;
            long ts = rows;
            if (timeIdx >= 0 && timeIdx < cells.Length && DateTime.TryParse(cells[timeIdx].Trim('"'), CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
                ts = new DateTimeOffset(t).ToUnixTimeMilliseconds();
            double score = 0;
            if (valueIdx < cells.Length && double.TryParse(cells[valueIdx].Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
                score = scorer.Next(ts, v);
            else
                bad++;
            writer.Write(line);
            writer.Write(',');
            writer.WriteLine(score.ToString("0.######", CultureInfo.InvariantCulture));
        }
        return new DetectResult(rows, bad, choice.Name);
    }
}
