using NovaOps.Detection;
using NovaOps.Detection.Offline;
using NovaOps.Models.Cards;
using NovaOps.Models.Registry;

namespace NovaOps.Models.Onnx;

/// <summary>
/// The series model as an <see cref="IAnomalyDetector"/> for single series (<c>novaops detect</c>,
/// <c>eval nab</c>): each row's features are made scale-free against the series' own running level and
/// spread (<see cref="ScaleFreeFeatures"/>, the entity's state), then scored one row at a time by the
/// anomaly scorer. One row per call: series scoring has no batch to gather and no look-ahead.
/// </summary>
public sealed class OnnxSeriesDetector : IAnomalyDetector
{
    private readonly AnomalyModelScorer _scorer;
    private readonly RobustBaselineOptions _baseline;

    /// <summary>The running features a series model must have been trained for.</summary>
    public static RunningFeatures Features { get; } = new(new FeatureSchema(["value"]), TimeSpan.Zero, ScaleFreeFeatures.HistoryNames);

    public OnnxSeriesDetector(LoadedModel model, RobustBaselineOptions baseline)
    {
        if (model.Card.Kind != ModelKinds.Anomaly) throw new ModelLoadException($"{model.Id}: a series detector needs an anomaly model");
        _scorer = new AnomalyModelScorer(model);
        _baseline = baseline;
        Name = model.Id;
    }

    public string Name { get; }
    public FeatureSchema Schema => Features.Schema;
    public int StateLength => ScaleFreeFeatures.HistoryStateLength;

    public void InitState(Span<double> state) => ScaleFreeFeatures.InitWithHistory(state);

    public double Score(ReadOnlySpan<double> features, Span<double> state, Span<double> contributions)
    {
        var rows = new float[ScaleFreeFeatures.HistoryNames.Count];
        contributions.Clear();
        if (!ScaleFreeFeatures.ApplyWithHistory(state, features, rows, _baseline)) return 0; // history still filling
        Span<double> score = stackalloc double[1];
        Span<double> shares = stackalloc double[ScaleFreeFeatures.HistoryRows]; // one "metric" per row of the history
        _scorer.Score(rows, score, shares);
        if (contributions.Length > 0) contributions[0] = 1;
        return double.IsNaN(score[0]) ? 0 : score[0];
    }
}
