using System.Text.Json.Nodes;
using NovaOps.Detection;
using NovaOps.Models.Cards;
using NovaOps.Models.Onnx;
using NovaOps.Models.Registry;

namespace NovaOps.Models.Tests;

public class ModelLoaderTests
{
    private const string Anomaly = "anomaly-autoencoder";

    [Fact]
    public void Shipped_models_load_against_the_running_features()
    {
        using var anomaly = ModelLoader.Load(Path.Combine(ShippedModels.Directory, Anomaly, "1"), ModelKinds.Anomaly, ShippedModels.Running);
        using var incident = ModelLoader.Load(Path.Combine(ShippedModels.Directory, "incident-gru", "1"), ModelKinds.Incident, ShippedModels.Running);
        Assert.Equal("anomaly-autoencoder/1", anomaly.Id);
        Assert.Equal(10, incident.Card.SequenceWindows);
    }

    [Fact]
    public void Anomaly_scorer_scores_in_unit_range_with_contributions_and_rejects_nan_rows()
    {
        using var model = ModelLoader.Load(Path.Combine(ShippedModels.Directory, Anomaly, "1"), ModelKinds.Anomaly, ShippedModels.Running);
        var scorer = new AnomalyModelScorer(model);
        int f = model.Card.Features.Names.Count, metrics = model.Card.Features.Metrics.Count;
        // Row 0: the training mean (a typical window). Row 1: the same with CPU pinned far out. Row 2: NaN.
        var rows = new float[3 * f];
        for (int i = 0; i < f; i++) rows[i] = rows[f + i] = rows[2 * f + i] = model.Card.Standardization.Mean[i];
        rows[f + FeatureSchema.Index(0, FeatureSchema.Mean)] += 60 * model.Card.Standardization.Std[FeatureSchema.Index(0, FeatureSchema.Mean)];
        rows[f + FeatureSchema.Index(0, FeatureSchema.RobustZ)] = 40;
        rows[2 * f + 3] = float.NaN;
        var scores = new double[3];
        var contributions = new double[3 * metrics];
        scorer.Score(rows, scores, contributions);

        Assert.InRange(scores[0], 0, 1);
        Assert.True(scores[1] > 0.99 && scores[1] > scores[0], $"hot row scored {scores[1]:F3}, mean row {scores[0]:F3}");
        Assert.True(double.IsNaN(scores[2]));
        Assert.Equal(1.0, contributions.AsSpan(metrics, metrics).ToArray().Sum(), 6);
        Assert.Equal(0, Array.IndexOf(contributions.AsSpan(metrics, metrics).ToArray(), contributions.AsSpan(metrics, metrics).ToArray().Max())); // cpu leads
        Assert.All(contributions.AsSpan(2 * metrics, metrics).ToArray(), c => Assert.Equal(0, c));
    }

    [Fact]
    public void Calibrated_scores_of_a_fresh_healthy_fleet_centre_in_the_unit_range()
    {
        // Another seed than training's, no faults: by construction of the calibration about half the
        // windows score under 0.5 and few reach the model's threshold.
        using var model = ModelLoader.Load(Path.Combine(ShippedModels.Directory, Anomaly, "1"), ModelKinds.Anomaly, ShippedModels.Running);
        var data = NovaOps.Datasets.SimulatorDatasets.Build(new NovaOps.Simulator.SimulatorOptions { Seed = 4242, Vms = 40, FaultsPerHour = 0 }, ticks: 2 * 360);
        var rows = data.Series.SelectMany(s => s.Features.Skip(30)).SelectMany(r => r).ToArray(); // after the baselines warm up
        int n = rows.Length / model.Card.Features.Names.Count;
        var scores = new double[n];
        new AnomalyModelScorer(model).Score(rows, scores, new double[n * model.Card.Features.Metrics.Count]);
        Array.Sort(scores);
        Assert.InRange(scores[n / 2], 0.2, 0.8);
        double flagged = scores.Count(s => s >= model.Card.Threshold) / (double)n;
        Assert.True(flagged < 0.05, $"{flagged:P1} of healthy windows flagged");
    }

    [Fact]
    public void A_card_for_other_features_is_refused_with_the_reason()
    {
        string root = ShippedModels.CopyToTemp(Anomaly);
        try
        {
            var other = new RunningFeatures(new FeatureSchema(["cpu_util", "mem_util"]), TimeSpan.FromMinutes(1));
            var e = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(Path.Combine(root, Anomaly, "1"), ModelKinds.Anomaly, other));
            Assert.Contains("other features", e.Message);

            var longer = ShippedModels.Running with { Window = TimeSpan.FromMinutes(5) };
            e = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(Path.Combine(root, Anomaly, "1"), ModelKinds.Anomaly, longer));
            Assert.Contains("300 s windows", e.Message);

            e = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(Path.Combine(root, Anomaly, "1"), ModelKinds.Incident, ShippedModels.Running));
            Assert.Contains("anomaly model where an incident model", e.Message);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void Missing_or_corrupt_files_are_refused_with_the_reason()
    {
        string root = ShippedModels.CopyToTemp(Anomaly);
        try
        {
            string dir = Path.Combine(root, Anomaly, "1");
            var bytes = File.ReadAllBytes(Path.Combine(dir, "model.onnx"));
            bytes[bytes.Length / 2] ^= 0xFF;
            File.WriteAllBytes(Path.Combine(dir, "model.onnx"), bytes);
            Assert.Contains("SHA-256", Assert.Throws<ModelLoadException>(() => ModelLoader.Load(dir, ModelKinds.Anomaly, ShippedModels.Running)).Message);

            File.Delete(Path.Combine(dir, "model.onnx"));
            Assert.Contains("missing", Assert.Throws<ModelLoadException>(() => ModelLoader.Load(dir, ModelKinds.Anomaly, ShippedModels.Running)).Message);

            File.WriteAllText(Path.Combine(dir, "card.json"), "{ not json");
            Assert.Contains("not a valid model card", Assert.Throws<ModelLoadException>(() => ModelLoader.Load(dir, ModelKinds.Anomaly, ShippedModels.Running)).Message);

            File.Delete(Path.Combine(dir, "card.json"));
            Assert.Contains("no card.json", Assert.Throws<ModelLoadException>(() => ModelLoader.Load(dir, ModelKinds.Anomaly, ShippedModels.Running)).Message);
        }
        finally { Directory.Delete(root, true); }
    }
}

public class ModelRegistryTests
{
    private const string Anomaly = "anomaly-autoencoder";

    private static ModelRegistryOptions Options(string root, bool shadowNew = false) =>
        new() { Directory = root, Name = Anomaly, ShadowNewVersions = shadowNew };

    [Fact]
    public void A_new_version_swaps_in_without_a_restart()
    {
        string root = ShippedModels.CopyToTemp(Anomaly);
        try
        {
            using var registry = ModelRegistry.Open(Options(root), ModelKinds.Anomaly, ShippedModels.Running, poll: false);
            Assert.Equal("anomaly-autoencoder/1", registry.Active.Id);
            Assert.False(registry.Refresh());

            LoadedModel? swapped = null;
            registry.Swapped += m => swapped = m;
            ShippedModels.CopyVersion(Path.Combine(root, Anomaly, "1"), Path.Combine(root, Anomaly, "2"));
            Assert.True(registry.Refresh());
            Assert.Equal("anomaly-autoencoder/2", registry.Active.Id);
            Assert.Same(registry.Active, swapped);
            Assert.False(registry.Refresh()); // nothing newer
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void A_model_that_loads_but_cannot_run_is_refused_before_it_scores()
    {
        string root = ShippedModels.CopyToTemp(Anomaly);
        try
        {
            ShippedModels.MakeRunOnlyOnSingleRows(Path.Combine(root, Anomaly, "1"));
            using (var loaded = ModelLoader.Load(Path.Combine(root, Anomaly, "1"), ModelKinds.Anomaly, ShippedModels.Running)) { } // passes every check of the files

            var e = Assert.Throws<ModelLoadException>(() => ModelRegistry.Open(Options(root), ModelKinds.Anomaly, ShippedModels.Running, poll: false, warmUpRows: 64));
            Assert.Contains("anomaly-autoencoder/1", e.Message);
            Assert.Contains("a run on a batch of 2 failed", e.Message);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void A_new_version_that_cannot_run_leaves_the_running_model()
    {
        string root = ShippedModels.CopyToTemp(Anomaly);
        try
        {
            using var registry = ModelRegistry.Open(Options(root), ModelKinds.Anomaly, ShippedModels.Running, poll: false, warmUpRows: 64);
            ShippedModels.CopyVersion(Path.Combine(root, Anomaly, "1"), Path.Combine(root, Anomaly, "2"));
            ShippedModels.MakeRunOnlyOnSingleRows(Path.Combine(root, Anomaly, "2"));
            Assert.False(registry.Refresh());
            Assert.Equal("anomaly-autoencoder/1", registry.Active.Id);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void A_new_version_that_fails_validation_leaves_the_running_model()
    {
        string root = ShippedModels.CopyToTemp(Anomaly);
        try
        {
            using var registry = ModelRegistry.Open(Options(root), ModelKinds.Anomaly, ShippedModels.Running, poll: false);
            ShippedModels.CopyVersion(Path.Combine(root, Anomaly, "1"), Path.Combine(root, Anomaly, "2"),
                card => card["features"]!["window_s"] = 300);
            Assert.False(registry.Refresh());
            Assert.Equal("anomaly-autoencoder/1", registry.Active.Id);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void A_refused_version_is_tried_again_once_its_files_change()
    {
        string root = ShippedModels.CopyToTemp(Anomaly);
        try
        {
            using var registry = ModelRegistry.Open(Options(root), ModelKinds.Anomaly, ShippedModels.Running, poll: false);
            string v2 = Path.Combine(root, Anomaly, "2");
            ShippedModels.CopyVersion(Path.Combine(root, Anomaly, "1"), v2, card => card["features"]!["window_s"] = 300);
            Assert.False(registry.Refresh());
            Assert.False(registry.Refresh()); // unchanged: not loaded again (nor logged again)

            // The card is fixed in place, as after a copy caught half-way.
            string cardPath = Path.Combine(v2, ModelLoader.CardFile);
            var card = JsonNode.Parse(File.ReadAllText(cardPath))!;
            card["features"]!["window_s"] = 60;
            File.WriteAllText(cardPath, card.ToJsonString());
            File.SetLastWriteTimeUtc(cardPath, DateTime.UtcNow.AddSeconds(5)); // past any coarse timestamp of the refused copy
            Assert.True(registry.Refresh());
            Assert.Equal("anomaly-autoencoder/2", registry.Active.Id);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void In_shadow_mode_a_new_version_is_scored_beside_not_instead()
    {
        string root = ShippedModels.CopyToTemp(Anomaly);
        try
        {
            using var registry = ModelRegistry.Open(Options(root, shadowNew: true), ModelKinds.Anomaly, ShippedModels.Running, poll: false);
            Assert.Null(registry.Shadow);
            ShippedModels.CopyVersion(Path.Combine(root, Anomaly, "1"), Path.Combine(root, Anomaly, "2"));
            Assert.True(registry.Refresh());
            Assert.Equal("anomaly-autoencoder/1", registry.Active.Id);
            Assert.Equal("anomaly-autoencoder/2", registry.Shadow!.Id);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void No_model_is_a_clear_error_at_start()
    {
        var e = Assert.Throws<ModelLoadException>(() => ModelRegistry.Open(
            new ModelRegistryOptions { Directory = Path.GetTempPath(), Name = "no-such-model" }, ModelKinds.Anomaly, ShippedModels.Running));
        Assert.Contains("no model 'no-such-model'", e.Message);
    }
}

public class IncidentScorerTests
{
    [Fact]
    public void An_alarm_on_a_memory_leak_is_explained_by_memory()
    {
        using var model = ModelLoader.Load(Path.Combine(ShippedModels.Directory, "incident-gru", "1"), ModelKinds.Incident, ShippedModels.Running);
        var scorer = new IncidentModelScorer(model);
        var data = NovaOps.Datasets.SimulatorDatasets.Build(new NovaOps.Simulator.SimulatorOptions
        {
            Seed = 99, Vms = 30, FaultsPerHour = 12, FaultFreePrefix = TimeSpan.FromMinutes(30),
            FaultMix = new Dictionary<NovaOps.Contracts.FaultKind, double> { [NovaOps.Contracts.FaultKind.MemoryLeak] = 1 },
        }, ticks: 3 * 360);
        int w = scorer.SequenceWindows, f = scorer.Features, stride = w * f;
        // The sequence before a leak's onset that the model rates highest.
        var candidates = data.Series.SelectMany(s => Enumerable.Range(w - 1, Math.Max(0, s.Count - w + 1))
            .Where(i => s.Labels[i].IncidentWithin(scorer.Horizon) && !s.Labels[i].InIncident)
            .Select(i => s.Features.Skip(i - w + 1).Take(w).SelectMany(r => r).ToArray())).ToList();
        Assert.NotEmpty(candidates);
        var all = candidates.SelectMany(c => c).ToArray();
        var p = new double[candidates.Count];
        scorer.Score(all, p);
        int best = Array.IndexOf(p, p.Max());
        Assert.True(p[best] >= model.Card.Threshold, $"best pre-onset probability {p[best]:F3} under the threshold {model.Card.Threshold:F3}");

        var shares = new double[model.Card.Features.Metrics.Count];
        scorer.Contributions(all.AsSpan(best * stride, stride), [p[best]], shares);
        Assert.Equal(1.0, shares.Sum(), 6);
        Assert.Equal("mem_util", model.Card.Features.Metrics[Array.IndexOf(shares, shares.Max())]);

        var nan = all.AsSpan(best * stride, stride).ToArray();
        nan[5] = float.NaN;
        var q = new double[1];
        scorer.Score(nan, q);
        Assert.True(double.IsNaN(q[0]));
    }
}
