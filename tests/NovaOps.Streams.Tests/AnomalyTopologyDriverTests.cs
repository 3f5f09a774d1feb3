using NovaOps.Streams.Hosting;
using NovaOps.Contracts;
using NovaOps.Detection;
using NovaOps.Detection.Statistical;
using NovaOps.Observability;
using NovaOps.Models.Cards;
using NovaOps.Models.Registry;
using NovaOps.Streams.Anomaly;
using NovaOps.Streams.Anomaly.Scoring;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Mock;
using Streamiz.Kafka.Net.SerDes;

namespace NovaOps.Streams.Tests;

/// <summary>The topology in Streamiz's TopologyTestDriver (inputs kept small: it slows quadratically).</summary>
public class AnomalyTopologyDriverTests
{
    private static readonly TopicNames Topics = new("test");

    private static (TopologyTestDriver Driver, PipelineMetrics Metrics) Driver(AnomalyTopologyOptions? options = null) => Driver(options, out _);

    private static (TopologyTestDriver Driver, PipelineMetrics Metrics) Driver(AnomalyTopologyOptions? options, out ModelRegistry? anomalyModels)
    {
        anomalyModels = null;
        options ??= new AnomalyTopologyOptions();
        var metrics = new PipelineMetrics("anomaly");
        var schema = new FeatureSchema(MetricNames.Standard);
        ModelScoring? model = null;
        if (options.Detector.UsesModel())
        {
            var registry = ModelRegistry.Open(options.Model, ModelKinds.Anomaly, new RunningFeatures(schema, options.Features.Window), poll: false);
            anomalyModels = registry;
            model = new ModelScoring(registry, options.Detector, options.MicroBatch, metrics);
        }
        PredictionScoring? prediction = null;
        if (options.Prediction.Enabled)
        {
            var registry = ModelRegistry.Open(options.Prediction.Model, ModelKinds.Incident, new RunningFeatures(schema, options.Features.Window), poll: false);
            prediction = new PredictionScoring(registry, options.Prediction, options.MicroBatch, metrics);
        }
        var scoring = new VmScoring(new WindowFeatureExtractor(schema, options.Features), options.ModelFreeDetector()(schema), options, metrics, new ProcessedPositions(), TimeProvider.System,
            model, prediction);
        var decoder = new TelemetryDecoder(new TelemetryCodec(), metrics, TimeProvider.System);
        var config = new StreamConfig<StringSerDes, ByteArraySerDes> { ApplicationId = "test-anomaly" };
        return (new TopologyTestDriver(AnomalyTopology.Build(Topics, scoring, decoder), config), metrics);
    }

    /// <summary>One VM's steady telemetry over 16 windows with a CPU spike in window 14, piped in; the anomalies out.</summary>
    private static List<AnomalyEvent> HotWindowAnomalies(TopologyTestDriver driver)
    {
        var input = driver.CreateInputTopic<string, byte[], StringSerDes, ByteArraySerDes>(Topics.Telemetry);
        var output = driver.CreateOutputTopic<string, AnomalyEvent, StringSerDes, ProtobufSerDes<AnomalyEvent>>(Topics.Anomalies);
        foreach (var (k, v) in Telemetry.Steady(vms: 1, 0, 16, stepSeconds: 30, spikeVm: "vm-0", spikeWindow: 14))
            input.PipeInput(k, v);
        return output.ReadKeyValueList().Select(r => r.Message.Value).ToList();
    }

    [Fact]
    public void A_hot_window_becomes_an_anomaly_naming_the_metric()
    {
        // The statistical detector judges from the first windows; the default (subspace) learns longer (next test).
        var (driver, metrics) = Driver(new AnomalyTopologyOptions { Detector = DetectorMode.Statistical });
        using var _ = driver;
        var anomalies = HotWindowAnomalies(driver);
        var hot = Assert.Single(anomalies, a => a.WindowStartMs == Telemetry.Start + 14 * 60_000L);
        Assert.Equal("vm-0", hot.VmId);
        Assert.True(hot.Score >= 0.9, $"score {hot.Score}");
        Assert.Equal(MetricNames.CpuUtil, hot.Contributions[0].Metric);
        Assert.Equal("eu-west-a", hot.Zone);
        Assert.Equal(2, hot.Samples);
        Assert.DoesNotContain(anomalies, a => a.WindowStartMs < Telemetry.Start + 14 * 60_000L);
        Assert.Equal(32, metrics.RecordsIn(Topics.Telemetry).Value);
        Assert.Equal(anomalies.Count, metrics.RecordsOut(Topics.Anomalies).Value);
    }

    [Fact]
    public void The_subspace_detector_runs_per_vm_in_the_topology_as_it_does_in_detect()
    {
        var subspace = new NovaOps.Detection.Subspace.SubspaceDetectorOptions { WarmUpRows = 6, RefreshRows = 4, SmoothingRows = 1 };
        var options = new AnomalyTopologyOptions { Subspace = subspace };
        Assert.Equal(DetectorMode.Subspace, options.Detector); // the default, as in detect and eval servers
        var (driver, _) = Driver(options, out var models);
        using var _ = driver;
        Assert.Null(models); // no model is loaded in this mode
        var anomalies = HotWindowAnomalies(driver);
        var hot = Assert.Single(anomalies, a => a.WindowStartMs == Telemetry.Start + 14 * 60_000L);
        Assert.StartsWith("subspace", hot.Detector);
        Assert.Equal(MetricNames.CpuUtil, hot.Contributions[0].Metric);
        Assert.DoesNotContain(anomalies, a => a.WindowStartMs < Telemetry.Start + 14 * 60_000L);
    }

    internal static string ModelsDirectory() => NovaOps.Tests.Shared.Repository.Path("models");

    [Theory]
    [InlineData(1)]   // a batch of one: scored as soon as the window closes
    [InlineData(256)] // scored by the punctuator once records stop (a tick with no record since the last)
    public void The_onnx_model_flags_the_hot_window_through_micro_batches(int maxBatch)
    {
        var options = new AnomalyTopologyOptions
        {
            Detector = DetectorMode.Onnx,
            Model = new ModelRegistryOptions { Directory = ModelsDirectory(), Name = "anomaly-autoencoder" },
            MicroBatch = new MicroBatchOptions { MaxBatch = maxBatch, MaxDelayMs = 1000 },
        };
        var (driver, metrics) = Driver(options);
        using var _ = driver;
        var input = driver.CreateInputTopic<string, byte[], StringSerDes, ByteArraySerDes>(Topics.Telemetry);
        var output = driver.CreateOutputTopic<string, AnomalyEvent, StringSerDes, ProtobufSerDes<AnomalyEvent>>(Topics.Anomalies);
        foreach (var (k, v) in Telemetry.Steady(vms: 2, 0, 16, stepSeconds: 30, spikeVm: "vm-0", spikeWindow: 14))
            input.PipeInput(k, v);
        RecordsStop(driver);

        var anomalies = output.ReadKeyValueList().Select(r => r.Message.Value).ToList();
        var hot = Assert.Single(anomalies, a => a.VmId == "vm-0" && a.WindowStartMs == Telemetry.Start + 14 * 60_000L);
        Assert.Equal("anomaly-autoencoder/1", hot.Detector);
        Assert.Equal(MetricNames.CpuUtil, hot.Contributions[0].Metric);
        Assert.InRange(hot.Score, 0, 1);
        Assert.Equal(anomalies.Count, metrics.RecordsOut(Topics.Anomalies).Value);
    }

    [Fact]
    public void A_new_model_version_scores_the_next_windows_without_a_restart_and_a_shadow_is_compared()
    {
        string root = Path.Combine(Path.GetTempPath(), $"novaops-models-{Guid.NewGuid():N}");
        try
        {
            void CopyVersion(string version)
            {
                var dir = Directory.CreateDirectory(Path.Combine(root, "anomaly-autoencoder", version)).FullName;
                foreach (var f in Directory.GetFiles(Path.Combine(ModelsDirectory(), "anomaly-autoencoder", "1"))) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
                var card = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "card.json")))!;
                card["version"] = version;
                File.WriteAllText(Path.Combine(dir, "card.json"), card.ToJsonString());
            }
            CopyVersion("1");
            CopyVersion("2");
            var options = new AnomalyTopologyOptions
            {
                Detector = DetectorMode.Onnx,
                // Version 1 active, version 2 in shadow; then version 3 appears and is swapped in.
                Model = new ModelRegistryOptions { Directory = root, Name = "anomaly-autoencoder", ShadowVersion = "2" },
                MicroBatch = new MicroBatchOptions { MaxBatch = 1 },
            };
            var (driver, metrics) = Driver(options, out var registry);
            using var _ = driver;
            var input = driver.CreateInputTopic<string, byte[], StringSerDes, ByteArraySerDes>(Topics.Telemetry);
            var output = driver.CreateOutputTopic<string, AnomalyEvent, StringSerDes, ProtobufSerDes<AnomalyEvent>>(Topics.Anomalies);

            foreach (var (k, v) in Telemetry.Steady(vms: 1, 0, 16, stepSeconds: 30, spikeVm: "vm-0", spikeWindow: 14)) input.PipeInput(k, v);
            Assert.Equal("anomaly-autoencoder/1", output.ReadKeyValueList().Select(r => r.Message.Value).Single(a => a.WindowStartMs == Telemetry.Start + 14 * 60_000L).Detector);
            // Identical weights: the shadow agrees on every window and never differs by a point.
            Assert.Equal(0, metrics.ShadowDisagreements("anomaly-autoencoder/1", "anomaly-autoencoder/2").Value);
            Assert.True(metrics.ShadowDifference("anomaly-autoencoder/1", "anomaly-autoencoder/2").Count >= 14);

            CopyVersion("3");
            Assert.True(registry!.Refresh());
            foreach (var (k, v) in Telemetry.Steady(vms: 1, 16, 30, stepSeconds: 30, spikeVm: "vm-0", spikeWindow: 28)) input.PipeInput(k, v);
            var later = output.ReadKeyValueList().Select(r => r.Message.Value).Single(a => a.WindowStartMs == Telemetry.Start + 28 * 60_000L);
            Assert.Equal("anomaly-autoencoder/3", later.Detector);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void Predictions_follow_each_window_once_a_vm_has_a_full_history()
    {
        var options = new AnomalyTopologyOptions
        {
            Prediction = new PredictionOptions
            {
                Enabled = true, PublishAbove = 0, // every prediction, not only alarms
                Model = new ModelRegistryOptions { Directory = ModelsDirectory(), Name = "incident-gru" },
            },
            MicroBatch = new MicroBatchOptions { MaxBatch = 4, MaxDelayMs = 1000 },
        };
        var (driver, metrics) = Driver(options);
        using var _ = driver;
        var input = driver.CreateInputTopic<string, byte[], StringSerDes, ByteArraySerDes>(Topics.Telemetry);
        var output = driver.CreateOutputTopic<string, PredictionEvent, StringSerDes, ProtobufSerDes<PredictionEvent>>(Topics.Predictions);
        foreach (var (k, v) in Telemetry.Steady(vms: 2, 0, 16, stepSeconds: 30)) input.PipeInput(k, v);
        RecordsStop(driver); // the punctuator scores the last partial batch

        var predictions = output.ReadKeyValueList().Select(r => r.Message.Value).ToList();
        // 15 windows close per VM (the 16th stays open); the first prediction needs 10.
        Assert.Equal(2 * 6, predictions.Count);
        Assert.All(predictions, p =>
        {
            Assert.Equal("incident-gru/1", p.Model);
            Assert.Equal(15 * 60_000L, p.HorizonMs);
            Assert.InRange(p.Probability, 0, 1);
            Assert.Equal(SchemaVersions.Prediction, p.SchemaVersion);
        });
        Assert.Equal(Telemetry.Start + 10 * 60_000L, predictions.Where(p => p.VmId == "vm-0").Min(p => p.WindowEndMs));
        Assert.Equal(predictions.Count, metrics.RecordsOut(Topics.Predictions).Value);

        // The VM's state with its feature history: the extractor's part as doubles, the detector's and the history as floats.
        var schema = new FeatureSchema(MetricNames.Standard);
        int extractor = new WindowFeatureExtractor(schema, options.Features).StateLength;
        int detector = options.ModelFreeDetector()(schema).StateLength;
        var state = driver.GetKeyValueStore<string, byte[]>(options.StoreName).Get("vm-0");
        Assert.Equal(extractor * sizeof(double) + (detector + FeatureHistory.Length(10, schema.Length)) * sizeof(float), state.Length);
        Assert.Equal(10f, BitConverter.ToSingle(state, extractor * sizeof(double) + detector * sizeof(float))); // the history is full
    }

    [Fact]
    public void An_app_does_not_start_on_a_model_for_other_features()
    {
        string root = Path.Combine(Path.GetTempPath(), $"novaops-models-{Guid.NewGuid():N}");
        try
        {
            var dir = Directory.CreateDirectory(Path.Combine(root, "anomaly-autoencoder", "1")).FullName;
            foreach (var f in Directory.GetFiles(Path.Combine(ModelsDirectory(), "anomaly-autoencoder", "1"))) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            var options = new AnomalyTopologyOptions
            {
                Detector = DetectorMode.Onnx,
                Model = new ModelRegistryOptions { Directory = root, Name = "anomaly-autoencoder" },
                Features = new FeatureOptions { Window = TimeSpan.FromMinutes(5) },
            };
            var e = Assert.Throws<ModelLoadException>(() => Driver(options));
            Assert.Contains("300 s windows", e.Message);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void Bad_records_go_to_dead_letter_with_reason_and_origin_and_the_rest_flows()
    {
        var (driver, metrics) = Driver();
        using var _ = driver;
        var input = driver.CreateInputTopic<string, byte[], StringSerDes, ByteArraySerDes>(Topics.Telemetry);
        var dlq = driver.CreateOutputTopic<string, DeadLetter, StringSerDes, ProtobufSerDes<DeadLetter>>(Topics.DeadLetter);
        var negative = Telemetry.Sample("vm-1", Telemetry.Start, cpu: -3);
        var future = Telemetry.Sample("vm-1", DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds(), cpu: 3);
        var newer = Telemetry.Sample("vm-1", Telemetry.Start, cpu: 3);
        newer.SchemaVersion = 7;
        input.PipeInput("vm-1", [0x0A, 0xFF, 0xFF]);
        input.PipeInput("vm-1", Google.Protobuf.MessageExtensions.ToByteArray(negative));
        input.PipeInput("vm-1", Google.Protobuf.MessageExtensions.ToByteArray(future));
        input.PipeInput("vm-1", Google.Protobuf.MessageExtensions.ToByteArray(newer));
        input.PipeInput("vm-1", Google.Protobuf.MessageExtensions.ToByteArray(Telemetry.Sample("vm-1", Telemetry.Start, 40)));

        var letters = dlq.ReadKeyValueList().Select(r => r.Message.Value).ToList();
        Assert.Equal([RejectReasons.Malformed, RejectReasons.OutOfRange, RejectReasons.FutureTimestamp, RejectReasons.UnknownSchemaVersion],
            letters.Select(l => l.ReasonCode));
        Assert.All(letters, l => Assert.Equal(Topics.Telemetry, l.SourceTopic));
        Assert.Equal([0x0A, 0xFF, 0xFF], letters[0].OriginalValue.ToByteArray());
        Assert.Equal("vm-1", letters[0].OriginalKey.ToStringUtf8());
        Assert.Equal(4, metrics.DeadLetteredTotal());
        Assert.Equal(4, metrics.RecordsOut(Topics.DeadLetter).Value);
        Assert.Equal(1, metrics.DeadLettered(RejectReasons.OutOfRange).Value);
        Assert.False(driver.IsError);
    }

    [Fact]
    public void Per_vm_state_lives_in_the_state_store()
    {
        var (driver, _) = Driver();
        using var __ = driver;
        var input = driver.CreateInputTopic<string, byte[], StringSerDes, ByteArraySerDes>(Topics.Telemetry);
        foreach (var (k, v) in Telemetry.Steady(vms: 2, 0, 3, stepSeconds: 30)) input.PipeInput(k, v);
        var store = driver.GetKeyValueStore<string, byte[]>(new AnomalyTopologyOptions().StoreName);
        Assert.NotNull(store.Get("vm-0"));
        Assert.NotNull(store.Get("vm-1"));
        Assert.Null(store.Get("vm-9"));
    }

    [Fact]
    public void Write_behind_state_reaches_the_changelog_once_per_vm_at_commit_with_the_latest_state()
    {
        var options = new AnomalyTopologyOptions();
        var (driver, _) = Driver(options);
        using var __ = driver;
        var input = driver.CreateInputTopic<string, byte[], StringSerDes, ByteArraySerDes>(Topics.Telemetry);
        var changelog = driver.CreateOutputTopic<string, byte[], StringSerDes, ByteArraySerDes>($"test-anomaly-{options.StoreName}-changelog");
        var records = Telemetry.Steady(vms: 2, 0, 3, stepSeconds: 30).ToList();
        foreach (var (k, v) in records) input.PipeInput(k, v);
        Assert.Empty(changelog.ReadKeyValueList()); // nothing logged between commits

        driver.Commit();
        var logged = changelog.ReadKeyValueList().ToList();
        Assert.Equal(["vm-0", "vm-1"], logged.Select(r => r.Message.Key).Order());
        var store = driver.GetKeyValueStore<string, byte[]>(options.StoreName);
        foreach (var r in logged)
            Assert.Equal(store.Get(r.Message.Key), r.Message.Value);

        driver.Commit();
        Assert.Empty(changelog.ReadKeyValueList()); // nothing changed since
    }

    [Fact]
    public void Write_through_state_logs_every_record()
    {
        var options = new AnomalyTopologyOptions { StateWrites = StateWriteMode.WriteThrough };
        var (driver, _) = Driver(options);
        using var __ = driver;
        var input = driver.CreateInputTopic<string, byte[], StringSerDes, ByteArraySerDes>(Topics.Telemetry);
        var changelog = driver.CreateOutputTopic<string, byte[], StringSerDes, ByteArraySerDes>($"test-anomaly-{options.StoreName}-changelog");
        var records = Telemetry.Steady(vms: 2, 0, 3, stepSeconds: 30).ToList();
        foreach (var (k, v) in records) input.PipeInput(k, v);
        Assert.Equal(records.Count, changelog.ReadKeyValueList().Count());
    }

    // Two punctuator ticks: the first sees the records piped since the last tick, the second sees none
    // (records have stopped) and scores what waits, due or not.
    private static void RecordsStop(TopologyTestDriver driver)
    {
        driver.AdvanceWallClockTime(TimeSpan.FromSeconds(2));
        driver.AdvanceWallClockTime(TimeSpan.FromSeconds(2));
    }
}

public class AnomalyAppConfigTests
{
    [Fact]
    public void Commit_interval_is_the_configured_one_not_the_guarantee_default()
    {
        var config = AnomalyApp.CreateConfig("127.0.0.1:9092", new AnomalyTopologyOptions(), new StreamAppOptions { CommitIntervalMs = 750 }, null);
        Assert.Equal(750, config.CommitIntervalMs);
        Assert.Equal(Streamiz.Kafka.Net.ProcessingGuarantee.AT_LEAST_ONCE, config.Guarantee);
    }
}
