using System.CommandLine;
using NovaOps.Detection;
using NovaOps.Detection.Context;
using NovaOps.Detection.ContextualAnomaly;
using NovaOps.Detection.Subspace;
using NovaOps.Detection.Likelihood;
using NovaOps.Detection.Offline;
using NovaOps.Models.Cards;
using NovaOps.Models.Onnx;
using NovaOps.Models.Registry;

namespace NovaOps.Cli.Commands;

/// <summary>
/// The detectors for single series (<c>detect</c>, <c>eval nab</c>): <c>statistical</c>, <c>onnx</c> (the series
/// model) or <c>combined</c> (either one). Every choice goes through the <c>Series</c> settings: each detector's
/// likelihood when that is on, then the cooldown (one alarm per incident), the combined one as one detector so that the
/// two do not each alarm for the same incident. Holds the model registry while the detectors are in use.
/// </summary>
internal sealed class SeriesDetectorChoice : IDisposable
{
    public static readonly string[] Names = ["auto", "statistical", "onnx", "combined", "subspace", "cad", "context", "ensemble"];

    /// <summary>
    /// The default: the detector that scores best on the public benchmarks for the shape of the data (docs/benchmarks.md):
    /// the contextual anomaly detector for a single series (NAB), the subspace detector for rows of several metrics (ASD).
    /// </summary>
    public const string Default = "auto";

    private readonly ModelRegistry? _registry;
    private readonly Func<ContextualAnomalyOptions, Func<FeatureSchema, IAnomalyDetector>> _build;

    /// <param name="likelihood">On or off whatever <c>Series:Likelihood:Enabled</c> says (the command line's <c>--likelihood</c>).</param>
    public SeriesDetectorChoice(string detector, NovaOpsSettings settings, ModelRegistryOptions? model = null, bool? likelihood = null)
    {
        if (!Names.Contains(detector)) throw new CliException($"--detector must be {string.Join(", ", Names)}, not '{detector}'");
        var series = likelihood is { } on ? settings.Series with { Likelihood = settings.Series.Likelihood with { Enabled = on } } : settings.Series;
        Series = series;
        if (detector is "onnx" or "combined")
            _registry = ModelRegistry.Open(model ?? new() { Directory = settings.Anomaly.Model.Directory, Name = "series-autoencoder" },
                ModelKinds.Anomaly, OnnxSeriesDetector.Features, poll: false);
        // The model's scores are its calibration's probabilities, read as surprise by the likelihood. Combined, each
        // detector is first put on its own series' likelihood, so that the higher of the two compares like with like.
        IAnomalyDetector Model() => series.Normalised(new OnnxSeriesDetector(_registry!.Active, series.Features.Baseline), LikelihoodInput.Surprise);
        // With the likelihood on, context novelty rests through the cooldown on the likelihood's scale instead of its own.
        IAnomalyDetector Context(FeatureSchema schema) => series.Likelihood.Enabled
            ? series.Cooled(series.Normalised(new ContextDetector(schema, series.Context with { RestRows = 0 }), LikelihoodInput.Score))
            : new ContextDetector(schema, series.Context);
        IAnomalyDetector Subspace(FeatureSchema schema) => new SubspaceDetector(schema, series.Subspace);
        // The contextual anomaly detector with these options; with the likelihood on it rests on the likelihood's scale.
        IAnomalyDetector Cad(FeatureSchema schema, ContextualAnomalyOptions options) => series.Likelihood.Enabled
            ? series.Cooled(series.Normalised(new ContextualAnomalyDetector(schema, options with { RestRows = 0 }), LikelihoodInput.Score))
            : new ContextualAnomalyDetector(schema, options);
        _build = cad => detector switch
        {
            "onnx" => schema => series.Cooled(SingleColumn(schema, detector, Model)),
            "combined" => schema => series.Cooled(new CombinedDetector(series.NormalisedStatistical(schema), SingleColumn(schema, detector, Model))),
            "context" => Context,
            "subspace" => Subspace,
            "ensemble" => schema => new CombinedDetector(Subspace(schema), new ContextDetector(schema, series.Context)),
            "cad" => schema => Cad(schema, cad),
            "auto" => schema => schema.MetricCount == 1 ? Cad(schema, cad) : Subspace(schema),
            _ => series.StatisticalDetector,
        };
        Factory = _build(series.ContextualAnomaly);
        Name = Factory(new FeatureSchema(["value"])).Name;
    }

    // The series model reads one column's scale-free history; rows of several metrics need a multivariate detector.
    private static IAnomalyDetector SingleColumn(FeatureSchema schema, string detector, Func<IAnomalyDetector> model) =>
        schema.MetricCount == 1 ? model()
            : throw new CliException($"--detector {detector} scores a single column (the series model), not {schema.MetricCount}: give one column, or use auto, subspace or ensemble");

    /// <summary>The series settings the detectors run with.</summary>
    public SeriesDetectionOptions Series { get; }

    /// <summary>A fresh detector for one series.</summary>
    public Func<FeatureSchema, IAnomalyDetector> Factory { get; }

    /// <summary>
    /// A fresh detector for a series whose range is known in advance (NAB's harness gives every detector its file's
    /// minimum and maximum): the contextual anomaly detector quantises over it instead of its first rows; the others
    /// do not take a range.
    /// </summary>
    public Func<FeatureSchema, IAnomalyDetector> FactoryWithRange(double minimum, double maximum) =>
        _build(Series.ContextualAnomaly with { Minimum = minimum, Maximum = maximum });

    /// <summary>What the detectors are for a single series, as their scores name them.</summary>
    public string Name { get; }

    /// <summary>What the detector is for rows of these metrics.</summary>
    public string NameFor(IReadOnlyList<string> metrics) => Factory(new FeatureSchema(metrics)).Name;

    public void Dispose() => _registry?.Dispose();

    /// <summary>The command-line options that choose a series detector, the same on every command that takes one.</summary>
    internal sealed class Options
    {
        private readonly Option<string> _detector = new("--detector")
        {
            Description = "auto (cad for one column, subspace for several), cad (contextual anomaly), context (context novelty), subspace, ensemble (subspace or context, the higher), statistical, onnx (the series model) or combined (statistical and onnx)",
            DefaultValueFactory = _ => Default,
        };
        private readonly Option<DirectoryInfo?> _models = new("--models-dir") { Description = "Models folder (default: the settings' models folder)" };
        private readonly Option<string> _model = new("--model") { Description = "Series model name", DefaultValueFactory = _ => "series-autoencoder" };
        private readonly Option<bool?> _likelihood = new("--likelihood")
        {
            Description = "Score how unusual the detector's recent scores are for each series (anomaly likelihood; default: Series:Likelihood:Enabled)",
        };

        public IEnumerable<Option> All => [_detector, _models, _model, _likelihood];

        public string Detector(ParseResult parse) => parse.GetValue(_detector)!;

        public ModelRegistryOptions Model(ParseResult parse, NovaOpsSettings settings) => new()
        {
            Directory = parse.GetValue(_models)?.FullName ?? settings.Anomaly.Model.Directory, Name = parse.GetValue(_model)!,
        };

        public bool? Likelihood(ParseResult parse) => parse.GetValue(_likelihood);
    }
}
