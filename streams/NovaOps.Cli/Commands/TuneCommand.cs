using System.CommandLine;
using NovaOps.Cli.Tuning;
using NovaOps.Evaluation.Nab;
using NovaOps.Evaluation.Servers;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary>
/// <c>novaops tune nab|servers</c>: searches a detector's stated parameter grid by folds of a benchmark's files or
/// servers (<see cref="FoldTuning"/>) and reports every fold held out, so that defaults are chosen once per benchmark
/// and their score on data the choice never saw is known.
/// </summary>
public static class TuneCommand
{
    internal static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var nabData = new Option<DirectoryInfo>("--data") { Description = "NAB data folder (holds <category>/<name>.csv)", Required = true };
        var labels = new Option<FileInfo>("--labels") { Description = "combined_windows.json", Required = true };
        var nab = new Command("nab", "Choose a series detector's parameters by folds of NAB's files (objective: the standard profile)") { nabData, labels };
        var serversData = new Option<DirectoryInfo>("--data") { Description = "Folder with one folder per server", Required = true };
        var servers = new Command("servers", "Choose a multivariate detector's parameters by folds of servers (objective: mean AP)") { serversData };
        foreach (var (cmd, fallback) in new[] { (nab, "cad"), (servers, "subspace") })
        {
            var detector = new Option<string>("--detector") { Description = "Detector whose grid is searched", DefaultValueFactory = _ => fallback };
            var folds = new Option<int>("--folds") { Description = "Folds (items alternate in name order)", DefaultValueFactory = _ => 2 };
            var json = CommonOptions.Json("every candidate's score per fold and the held-out results");
            cmd.Options.Add(detector);
            cmd.Options.Add(folds);
            cmd.Options.Add(json);
            cmd.SetAction(parse =>
            {
                string name = parse.GetValue(detector)!;
                TuningResult result = null!;
                console.Progress().AutoClear(true).Start(ctx =>
                {
                    var task = ctx.AddTask($"searching {name}'s grid");
                    var progress = new Progress<double>(v => task.Value = v * 100);
                    result = cmd == nab
                        ? Nab(parse.GetValue(nabData)!, parse.GetValue(labels)!, settings, name, parse.GetValue(folds), progress)
                        : Servers(parse.GetValue(serversData)!, settings, name, parse.GetValue(folds), progress);
                });
                Print(console, result, cmd == nab ? "NAB standard" : "mean AP");
                JsonOutput.Write(parse.GetValue(json), ToJson(result, name, cmd.Name));
                return 0;
            });
        }
        return new Command("tune", "Choose detector parameters by folds, never per file or server") { nab, servers };
    }

    public static TuningResult Nab(DirectoryInfo data, FileInfo labels, NovaOpsSettings settings, string detector, int folds, IProgress<double>? progress = null)
    {
        var files = NabCorpus.Load(data.FullName, labels.FullName);
        var standard = NabProfile.Defaults.First(p => p.Name == "standard");
        return FoldTuning.Run(files, folds, ParameterGrid.For(detector), (candidate, fold) =>
        {
            using var choice = new SeriesDetectorChoice(detector, settings with { Series = candidate.Apply(settings.Series) });
            return NabScorer.Score(EvalNabCommand.Score(fold, choice), standard).NormalisedScore;
        }, progress);
    }

    public static TuningResult Servers(DirectoryInfo data, NovaOpsSettings settings, string detector, int folds, IProgress<double>? progress = null)
    {
        IReadOnlyList<ServerCase> cases;
        try { cases = ServerCorpus.Load(data.FullName); }
        catch (Exception e) when (e is IOException or InvalidDataException) { throw new CliException(e.Message); }
        return FoldTuning.Run(cases, folds, ParameterGrid.For(detector), (candidate, fold) =>
        {
            using var choice = new SeriesDetectorChoice(detector, settings with { Series = candidate.Apply(settings.Series) });
            return fold.Average(s => ServerScore.Of(s.Name, EvalServersCommand.Score(s, choice), s.Labels).AveragePrecision);
        }, progress);
    }

    private static void Print(IAnsiConsole console, TuningResult result, string objective)
    {
        var table = new Table().Title($"{objective}, each fold held out").AddColumns("fold", "chosen on the others", "there", "held out", "best here");
        foreach (var h in result.HeldOut)
            table.AddRow($"{h.Fold}", Markup.Escape(h.ChosenLabel), $"{h.ChosenOnOthers:F3}", $"{h.ScoreHere:F3}", $"{h.BestHere:F3}");
        console.Write(table);
        console.MarkupLineInterpolated($"{result.Candidates.Count} candidates; held out, the choice scores {result.HeldOutMean:F3} on average; chosen on all folds (to ship): [bold]{Markup.Escape(result.Chosen)}[/]");
    }

    private static Dictionary<string, object> ToJson(TuningResult result, string detector, string benchmark) => new()
    {
        ["benchmark"] = benchmark,
        ["detector"] = detector,
        ["folds"] = result.HeldOut.Count,
        ["chosen"] = result.Chosen,
        ["chosen_folds"] = result.Candidates.First(c => c.Label == result.Chosen).Folds.Select(v => Math.Round(v, 4)).ToList(),
        ["held_out_mean"] = Math.Round(result.HeldOutMean, 4),
        ["held_out"] = result.HeldOut.Select(h => new Dictionary<string, object>
        {
            ["fold"] = h.Fold, ["chosen"] = h.ChosenLabel, ["score_on_others"] = Math.Round(h.ChosenOnOthers, 4),
            ["score_held_out"] = Math.Round(h.ScoreHere, 4), ["best_label_here"] = h.BestHereLabel, ["best_here"] = Math.Round(h.BestHere, 4),
        }).ToList(),
        ["candidates"] = result.Candidates.Select(c => new Dictionary<string, object>
        {
            ["label"] = c.Label, ["folds"] = c.Folds.Select(v => Math.Round(v, 4)).ToList(),
        }).ToList(),
    };
}
