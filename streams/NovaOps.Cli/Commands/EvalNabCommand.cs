using System.CommandLine;
using System.Text.Json;
using NovaOps.Detection.Offline;
using NovaOps.Evaluation.Nab;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops eval nab</c>: NAB's normalised score of the detector on a NAB corpus.</summary>
internal static class EvalNabCommand
{
    public static Command Create(NovaOpsSettings settings)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "NAB data folder (holds <category>/<name>.csv)", Required = true };
        var labels = new Option<FileInfo>("--labels") { Description = "combined_windows.json", Required = true };
        var profiles = new Option<FileInfo?>("--profiles") { Description = "profiles.json (default: NAB's three profiles)" };
        var json = CommonOptions.Json("the scores");
        var cmd = new Command("nab", "Score the streaming detector on NAB with NAB's own rules") { data, labels, profiles, json };
        cmd.SetAction(parse =>
        {
            var result = Run(parse.GetValue(data)!, parse.GetValue(labels)!, parse.GetValue(profiles), settings);
            var table = new Table().Title("NAB normalised scores").AddColumns("profile", "score", "threshold", "TP", "FP", "FN");
            foreach (var r in result.Profiles)
                table.AddRow(r.Profile, $"{r.NormalisedScore:F1}", $"{r.Threshold:F4}", $"{r.TruePositives}", $"{r.FalsePositives}", $"{r.FalseNegatives}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"{result.Files} files, detector {result.Detector}");
            JsonOutput.Write(parse.GetValue(json), result.ToJson());
            return 0;
        });
        return cmd;
    }

    public sealed record NabRun(string Detector, int Files, IReadOnlyList<NabProfileResult> Profiles)
    {
        public Dictionary<string, object> ToJson()
        {
            var d = new Dictionary<string, object>();
            foreach (var p in Profiles) d[p.Profile] = Math.Round(p.NormalisedScore, 2);
            d["files"] = Files;
            d["detector"] = Detector;
            return d;
        }
    }

    public static NabRun Run(DirectoryInfo data, FileInfo labels, FileInfo? profilesFile, NovaOpsSettings settings)
    {
        var files = NabCorpus.Load(data.FullName, labels.FullName);
        string detectorName = DetectorChoice.Statistical(settings.Series.Statistical)(new Detection.FeatureSchema(["value"])).Name;
        var series = new List<NabSeries>();
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("scoring series", maxValue: files.Count);
            foreach (var f in files)
            {
                var scorer = settings.Series.CreateScorer();
                var scores = new double[f.Values.Count];
                for (int i = 0; i < scores.Length; i++)
                    scores[i] = scorer.Next(new DateTimeOffset(f.Timestamps[i]).ToUnixTimeMilliseconds(), f.Values[i]);
                series.Add(new NabSeries(f.Name, scores, f.WindowRows()));
                task.Increment(1);
            }
        });
        var profiles = profilesFile is null ? NabProfile.Defaults : ReadProfiles(profilesFile);
        return new NabRun(detectorName, files.Count, profiles.Select(p => NabScorer.Score(series, p)).ToList());
    }

    private static IReadOnlyList<NabProfile> ReadProfiles(FileInfo file)
    {
        if (!file.Exists) throw new CliException($"profiles file not found: {file.FullName}");
        using var doc = JsonDocument.Parse(File.ReadAllText(file.FullName));
        return doc.RootElement.EnumerateObject().Select(p =>
        {
            var c = p.Value.GetProperty("CostMatrix");
            return new NabProfile(p.Name, c.GetProperty("tpWeight").GetDouble(), c.GetProperty("fpWeight").GetDouble(), c.GetProperty("fnWeight").GetDouble());
        }).ToList();
    }
}
