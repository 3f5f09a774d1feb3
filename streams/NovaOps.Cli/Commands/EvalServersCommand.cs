using System.CommandLine;
using System.Diagnostics;
using NovaOps.Detection.Offline;
using NovaOps.Evaluation.Servers;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary>
/// <c>novaops eval servers</c>: a multivariate detector on ASD-like benchmarks. Per server, the detector learns its
/// <c>train.csv</c> as history, then scores every <c>test.csv</c> row in order (no look-ahead); figures per server and
/// their mean: AP, best point-wise F1 (no point adjustment), event recall at that threshold.
/// </summary>
public static class EvalServersCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder with one folder per server (train.csv, test.csv, test_label.csv)", Required = true };
        var columns = new Option<string?>("--columns") { Description = "Metric columns, comma-separated (default: every numeric column but the timestamp)" };
        var json = CommonOptions.Json("the figures");
        var detector = new SeriesDetectorChoice.Options();
        var cmd = new Command("servers", "Score a multivariate detector on per-server metrics (AP, best F1, event recall)") { data, columns, json };
        foreach (var o in detector.All) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            ServersRun result = null!;
            console.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("scoring servers");
                result = Run(parse.GetValue(data)!, settings, detector.Detector(parse), DetectCommand.SplitColumns(parse.GetValue(columns)),
                    detector.Model(parse, settings), new Progress<double>(v => task.Value = v * 100));
            });
            var table = new Table().Title($"{result.Detector} on {result.Servers} servers").AddColumns("server", "AP", "best F1", "event recall", "segments");
            foreach (var s in result.PerServer)
                table.AddRow(s.Server, $"{s.AveragePrecision:F3}", $"{s.BestF1:F3}", $"{s.EventRecall:F3}", $"{s.Segments}");
            table.AddRow("[bold]mean[/]", $"[bold]{result.AveragePrecision:F3}[/]", $"[bold]{result.BestF1:F3}[/]", $"[bold]{result.EventRecall:F3}[/]", "");
            console.Write(table);
            console.MarkupLineInterpolated($"{result.Rows:N0} test rows scored at {result.RowsPerSecond:N0} rows/s (one thread, learning the history included); state {result.StateBytes:N0} bytes per server, {result.StateBytesPerVm:N0} for a VM's metrics");
            JsonOutput.Write(parse.GetValue(json), result.ToJson());
            return 0;
        });
        return cmd;
    }

    /// <param name="StateBytes">State per server (its metrics' window features and the detector).</param>
    /// <param name="StateBytesPerVm">The same detector's state for a VM's standard metrics in the anomaly topology.</param>
    public sealed record ServersRun(string Detector, IReadOnlyList<ServerScore> PerServer, long Rows, double RowsPerSecond, int StateBytes, int StateBytesPerVm)
    {
        public int Servers => PerServer.Count;
        public double AveragePrecision => PerServer.Average(s => s.AveragePrecision);
        public double BestF1 => PerServer.Average(s => s.BestF1);
        public double EventRecall => PerServer.Where(s => s.Segments > 0).Average(s => s.EventRecall);

        public Dictionary<string, object> ToJson() => new()
        {
            ["servers"] = Servers,
            ["ap"] = Math.Round(AveragePrecision, 4),
            ["best_f1"] = Math.Round(BestF1, 4),
            ["event_recall"] = Math.Round(EventRecall, 4),
            ["detector"] = Detector,
            ["rows_per_second"] = Math.Round(RowsPerSecond),
            ["state_bytes"] = StateBytes,
            ["state_bytes_per_vm"] = StateBytesPerVm,
            ["per_server"] = PerServer.Select(s => new Dictionary<string, object>
            {
                ["server"] = s.Server, ["ap"] = Math.Round(s.AveragePrecision, 4), ["best_f1"] = Math.Round(s.BestF1, 4),
                ["event_recall"] = Math.Round(s.EventRecall, 4), ["segments"] = s.Segments,
            }).ToList(),
        };
    }

    /// <summary>A server's test rows scored in order by a fresh detector of <paramref name="choice"/> that first learnt its history.</summary>
    internal static double[] Score(ServerCase server, SeriesDetectorChoice choice)
    {
        var scorer = new SeriesScorer(choice.Factory, server.Test.Columns, choice.Series.Features);
        scorer.Learn(server.Train);
        var scores = new double[server.Test.Count];
        for (int i = 0; i < scores.Length; i++) scores[i] = scorer.Next(server.Test.TimestampsMs[i], server.Test.Rows[i]);
        return scores;
    }

    public static ServersRun Run(DirectoryInfo data, NovaOpsSettings settings, string detector = SeriesDetectorChoice.Default, IReadOnlyList<string>? columns = null,
        NovaOps.Models.Registry.ModelRegistryOptions? model = null, IProgress<double>? progress = null)
    {
        using var choice = new SeriesDetectorChoice(detector, settings, model);
        IReadOnlyList<ServerCase> cases;
        try { cases = ServerCorpus.Load(data.FullName, columns); }
        catch (Exception e) when (e is IOException or InvalidDataException) { throw new CliException(e.Message); }
        var results = new List<ServerScore>();
        long rows = 0;
        var clock = new Stopwatch();
        foreach (var server in cases)
        {
            clock.Start();
            var scores = Score(server, choice);
            clock.Stop();
            rows += server.Train.Count + server.Test.Count;
            results.Add(ServerScore.Of(server.Name, scores, server.Labels));
            progress?.Report(results.Count / (double)cases.Count);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new ServersRun(choice.NameFor(cases[0].Test.Columns), results, cases.Sum(c => (long)c.Test.Count), rows / Math.Max(seconds, 1e-9),
            new SeriesScorer(choice.Factory, cases[0].Test.Columns, choice.Series.Features).StateBytes,
            new SeriesScorer(choice.Factory, NovaOps.Contracts.MetricNames.Standard, choice.Series.Features).StateBytes);
    }
}
