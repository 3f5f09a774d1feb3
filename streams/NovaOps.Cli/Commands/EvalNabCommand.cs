using System.CommandLine;
using System.Text.Json;
using NovaOps.Detection.Offline;
using NovaOps.Evaluation.Nab;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops eval nab</c>: NAB's normalised score of the detector on a NAB corpus.</summary>
public static class EvalNabCommand
{
    internal static Command Create(NovaOpsSettings settings)
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "NAB data folder (holds <category>/<name>.csv)", Required = true };
        var labels = new Option<FileInfo>("--labels") { Description = "combined_windows.json", Required = true };
        var profiles = new Option<FileInfo?>("--profiles") { Description = "profiles.json (default: NAB's three profiles)" };
        var json = CommonOptions.Json("the scores");
        var detector = new Option<string>("--detector") { Description = "statistical, onnx (the series model) or combined", DefaultValueFactory = _ => "statistical" };
        var models = new Option<DirectoryInfo?>("--models-dir") { Description = "Models folder (default: the settings' models folder)" };
        var model = new Option<string>("--model") { Description = "Series model name", DefaultValueFactory = _ => "series-autoencoder" };
        var cmd = new Command("nab", "Score a detector on NAB with NAB's own rules") { data, labels, profiles, json, detector, models, model };
        cmd.SetAction(parse =>
        {
            var registry = new NovaOps.Models.Registry.ModelRegistryOptions
            {
                Directory = parse.GetValue(models)?.FullName ?? settings.Anomaly.Model.Directory, Name = parse.GetValue(model)!,
            };
            NabRun result = null!;
            AnsiConsole.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask("scoring series");
                result = Run(parse.GetValue(data)!, parse.GetValue(labels)!, parse.GetValue(profiles), settings, parse.GetValue(detector)!, registry,
                    new Progress<double>(v => task.Value = v * 100));
            });
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

    public static NabRun Run(DirectoryInfo data, FileInfo labels, FileInfo? profilesFile, NovaOpsSettings settings,
        string detector = "statistical", NovaOps.Models.Registry.ModelRegistryOptions? model = null, IProgress<double>? progress = null)
    {
        if (detector is not ("statistical" or "onnx" or "combined"))
            throw new CliException($"--detector must be statistical, onnx or combined, not '{detector}'");
        var files = NabCorpus.Load(data.FullName, labels.FullName);
        var statistical = DetectorChoice.Statistical(settings.Series.Statistical);
        NovaOps.Models.Registry.ModelRegistry? registry = null;
        if (detector is "onnx" or "combined")
            registry = NovaOps.Models.Registry.ModelRegistry.Open(model ?? new() { Directory = settings.Anomaly.Model.Directory, Name = "series-autoencoder" },
                NovaOps.Models.Cards.ModelKinds.Anomaly, NovaOps.Models.Onnx.OnnxSeriesDetector.Features, poll: false);
        using var _ = registry;
        var baseline = settings.Series.Features.Baseline;
        // The series settings' cooldown (one alarm per incident) applies to the model as to the statistical detector.
        var s = settings.Series.Statistical;
        Detection.IAnomalyDetector Model() => new Detection.CooldownDetector(
            new NovaOps.Models.Onnx.OnnxSeriesDetector(registry!.Active, baseline), s.CooldownWindows, s.CooldownAbove);
        Func<Detection.FeatureSchema, Detection.IAnomalyDetector> factory = detector switch
        {
            "onnx" => _ => Model(),
            "combined" => schema => new Detection.CombinedDetector(statistical(schema), Model()),
            _ => statistical,
        };
        string detectorName = factory(new Detection.FeatureSchema(["value"])).Name;
        var series = new List<NabSeries>();
        foreach (var f in files)
        {
            var scorer = new Detection.Offline.SeriesScorer(factory, settings.Series.Features);
            var scores = new double[f.Values.Count];
            for (int i = 0; i < scores.Length; i++)
                scores[i] = scorer.Next(new DateTimeOffset(f.Timestamps[i]).ToUnixTimeMilliseconds(), f.Values[i]);
            series.Add(new NabSeries(f.Name, scores, f.WindowRows()));
            progress?.Report(series.Count / (double)files.Count);
        }
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
