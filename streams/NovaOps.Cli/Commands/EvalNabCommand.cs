using System.CommandLine;
using System.Text.Json;
using NovaOps.Detection.Offline;
using NovaOps.Evaluation.Nab;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops eval nab</c>: NAB's normalised score of the detector on a NAB corpus.</summary>
public static class EvalNabCommand
{
    internal static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "NAB data folder (holds <category>/<name>.csv)", Required = true };
        var labels = new Option<FileInfo>("--labels") { Description = "combined_windows.json", Required = true };
        var profiles = new Option<FileInfo?>("--profiles") { Description = "profiles.json (default: NAB's three profiles)" };
        var range = new Option<string>("--range")
        {
            Description = "learnt: each detector learns a series' range from its first rows (no look-ahead, as in production); nab: the contextual anomaly detector is told each file's minimum and maximum, as NAB's harness tells every detector (the published scores' conditions)",
            DefaultValueFactory = _ => "learnt",
        };
        range.AcceptOnlyFromAmong("learnt", "nab");
        var json = CommonOptions.Json("the scores");
        var detector = new SeriesDetectorChoice.Options();
        var cmd = new Command("nab", "Score a detector on NAB with NAB's own rules") { data, labels, profiles, range, json };
        foreach (var o in detector.All) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            NabRun result = null!;
            console.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("scoring series");
                result = Run(parse.GetValue(data)!, parse.GetValue(labels)!, parse.GetValue(profiles), settings, detector.Detector(parse), detector.Model(parse, settings), detector.Likelihood(parse),
                    parse.GetValue(range) == "nab", new Progress<double>(v => task.Value = v * 100));
            });
            var table = new Table().Title("NAB normalised scores").AddColumns("profile", "score", "threshold", "TP", "FP", "FN");
            foreach (var r in result.Profiles)
                table.AddRow(r.Profile, $"{r.NormalisedScore:F1}", $"{r.Threshold:F4}", $"{r.TruePositives}", $"{r.FalsePositives}", $"{r.FalseNegatives}");
            console.Write(table);
            console.MarkupLineInterpolated($"{result.Files} files, detector {result.Detector}, range {(result.NabRange ? "given by NAB's harness" : "learnt from each series' first rows")}");
            JsonOutput.Write(parse.GetValue(json), result.ToJson());
            return 0;
        });
        return cmd;
    }

    /// <param name="PerFile">Each file at the standard profile's threshold.</param>
    /// <param name="StateBytes">State per series (window features and detector); null for a detector whose memory grows with the series.</param>
    /// <param name="NabRange">The detector was told each file's minimum and maximum, as NAB's harness does.</param>
    public sealed record NabRun(string Detector, int Files, IReadOnlyList<NabProfileResult> Profiles, IReadOnlyList<NabFileResult> PerFile, int? StateBytes,
        bool NabRange)
    {
        public Dictionary<string, object?> ToJson()
        {
            var d = new Dictionary<string, object?>();
            foreach (var p in Profiles) d[p.Profile] = Math.Round(p.NormalisedScore, 2);
            d["files"] = Files;
            d["detector"] = Detector;
            d["state_bytes"] = StateBytes;
            d["range"] = NabRange ? "nab" : "learnt";
            d["per_file"] = PerFile.Select(f => new Dictionary<string, object>
            {
                ["file"] = f.Name, ["raw_standard"] = Math.Round(f.RawScore, 3), ["tp"] = f.TruePositives, ["fp"] = f.FalsePositives,
                ["fn"] = f.FalseNegatives, ["windows"] = f.Windows,
            }).ToList();
            return d;
        }
    }

    public static NabRun Run(DirectoryInfo data, FileInfo labels, FileInfo? profilesFile, NovaOpsSettings settings,
        string detector = SeriesDetectorChoice.Default, NovaOps.Models.Registry.ModelRegistryOptions? model = null, bool? likelihood = null,
        bool nabRange = false, IProgress<double>? progress = null)
    {
        using var choice = new SeriesDetectorChoice(detector, settings, model, likelihood); // a wrong name fails before any data is read
        var files = NabCorpus.Load(data.FullName, labels.FullName);
        var scored = Score(files, choice, nabRange, progress);
        var profiles = profilesFile is null ? NabProfile.Defaults : ReadProfiles(profilesFile);
        var results = profiles.Select(p => NabScorer.Score(scored, p)).ToList();
        var standard = results.FirstOrDefault(r => r.Profile == "standard") ?? results[0];
        var standardProfile = profiles.First(p => p.Name == standard.Profile);
        bool bounded = choice.Factory(new Detection.FeatureSchema(["value"])).SharedAcrossEntities;
        return new NabRun(choice.Name, files.Count, results, NabScorer.PerFile(scored, standardProfile, standard.Threshold),
            bounded ? new Detection.Offline.SeriesScorer(choice.Factory, choice.Series.Features).StateBytes : null, nabRange);
    }

    /// <summary>
    /// Every file scored row by row by a fresh detector of <paramref name="choice"/>, with its windows; with
    /// <paramref name="nabRange"/>, told the file's minimum and maximum first, as NAB's harness does.
    /// </summary>
    internal static List<NabSeries> Score(IReadOnlyList<NabFile> files, SeriesDetectorChoice choice, bool nabRange = false, IProgress<double>? progress = null)
    {
        var scored = new List<NabSeries>();
        foreach (var f in files)
        {
            var factory = nabRange ? choice.FactoryWithRange(f.Values.Min(), f.Values.Max()) : choice.Factory;
            var scorer = new Detection.Offline.SeriesScorer(factory, choice.Series.Features);
            var scores = new double[f.Values.Count];
            for (int i = 0; i < scores.Length; i++)
                scores[i] = scorer.Next(new DateTimeOffset(f.Timestamps[i]).ToUnixTimeMilliseconds(), f.Values[i]);
            scored.Add(new NabSeries(f.Name, scores, f.WindowRows()));
            progress?.Report(scored.Count / (double)files.Count);
        }
        return scored;
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
