using NovaOps.Contracts;
using NovaOps.Detection;
using NovaOps.Detection.Statistical;
using NovaOps.Models.Cards;
using NovaOps.Models.Registry;
using NovaOps.Observability;
using NovaOps.Streams.Anomaly;
using NovaOps.Streams.Anomaly.Scoring;

namespace NovaOps.Streams.Tests;

/// <summary>
/// The micro-batch a stream thread's tasks share: one ONNX Runtime call scores the windows of several tasks,
/// and each task gets back only its own results (a task forwards from its own context alone).
/// </summary>
public class ThreadBatchesTests
{
    private static VmScoring Scoring(PipelineMetrics metrics, int maxBatch = 64)
    {
        var options = new AnomalyTopologyOptions
        {
            Detector = DetectorMode.Onnx,
            Model = new ModelRegistryOptions { Directory = AnomalyTopologyDriverTests.ModelsDirectory(), Name = "anomaly-autoencoder" },
            MicroBatch = new MicroBatchOptions { MaxBatch = maxBatch, MaxDelayMs = 60_000 },
        };
        var schema = new FeatureSchema(MetricNames.Standard);
        var registry = ModelRegistry.Open(options.Model, ModelKinds.Anomaly, new RunningFeatures(schema, options.Features.Window), poll: false);
        return new VmScoring(new WindowFeatureExtractor(schema, options.Features), new StatisticalDetector(schema), options, metrics,
            new ProcessedPositions(), TimeProvider.System, new ModelScoring(registry, options.Detector, options.MicroBatch, metrics));
    }

    // Raw features of a window: the card's training means (an ordinary window), or far above them (a hot one).
    private static double[] Features(VmScoring scoring, bool hot)
    {
        var card = scoring.Model!.Registry.Active.Card;
        return [.. card.Standardization.Mean.Select((m, i) => (double)m + (hot ? 50 * card.Standardization.Std[i] : 0))];
    }

    private static void Add(VmScoring scoring, TaskOutbox owner, string vm, bool hot)
    {
        var sample = Telemetry.Sample(vm, Telemetry.Start, 40);
        var metrics = new double[scoring.Extractor.Schema.MetricCount];
        scoring.Batches.Windows!.Add(owner, sample, new ClosedWindow(Telemetry.Start, Telemetry.Start + 60_000, 3), Features(scoring, hot), 0, metrics,
            "telemetry", 0, 1, vm, []);
    }

    private static (List<string> Forwarded, List<string> Scored) Drain(TaskOutbox outbox)
    {
        var forwarded = new List<string>();
        var scored = new List<string>();
        outbox.Drain((key, output) => forwarded.Add($"{key}:{output.Anomaly?.Detector}"), scored.Add);
        return (forwarded, scored);
    }

    [Fact]
    public void One_run_scores_the_windows_of_several_tasks_and_each_task_gets_its_own_results()
    {
        var metrics = new PipelineMetrics("anomaly");
        var scoring = Scoring(metrics);
        var a = new TaskOutbox();
        var b = new TaskOutbox();
        Add(scoring, a, "vm-a1", hot: false);
        Add(scoring, b, "vm-b1", hot: true);
        Add(scoring, a, "vm-a2", hot: false);
        Assert.Equal(2, a.Unforwarded);
        Assert.True(scoring.Batches.Windows!.Holds("vm-b1"));

        scoring.Batches.Flush();

        Assert.Equal(1, metrics.ModelBatchSize("anomaly-autoencoder/1").Count);
        Assert.Equal(3, metrics.ModelRows("anomaly-autoencoder/1").Value);
        Assert.False(scoring.Batches.Windows.Holds("vm-b1"));
        var (aForwarded, aScored) = Drain(a);
        var (bForwarded, bScored) = Drain(b);
        Assert.Empty(aForwarded);
        Assert.Equal(["vm-a1", "vm-a2"], aScored);
        Assert.Equal(["vm-b1:anomaly-autoencoder/1"], bForwarded);
        Assert.Equal(["vm-b1"], bScored);
        Assert.Equal(0, a.Unforwarded);
        Assert.Equal(0, b.Unforwarded);
        Assert.Equal((List<string>)[], Drain(b).Forwarded); // drained once
    }

    [Fact]
    public void Results_of_a_closed_task_are_dropped_for_the_next_owner_to_score_again()
    {
        var scoring = Scoring(new PipelineMetrics("anomaly"));
        var closed = new TaskOutbox();
        var open = new TaskOutbox();
        Add(scoring, closed, "vm-1", hot: true);
        Add(scoring, open, "vm-2", hot: true);
        closed.Close();

        scoring.Batches.Flush();

        Assert.Equal((List<string>)[], Drain(closed).Forwarded);
        Assert.Equal(["vm-2:anomaly-autoencoder/1"], Drain(open).Forwarded);
    }

    [Fact]
    public void A_window_of_a_closed_task_does_not_hold_its_vm_back_from_the_partitions_next_task()
    {
        var scoring = Scoring(new PipelineMetrics("anomaly"));
        var revoked = new TaskOutbox();
        Add(scoring, revoked, "vm-1", hot: true);
        revoked.Close();
        Assert.False(scoring.Batches.Windows!.Holds("vm-1")); // the new task may queue the VM's window again

        var next = new TaskOutbox(); // the partition back on this thread, a new task
        Add(scoring, next, "vm-1", hot: true);
        Assert.True(scoring.Batches.Windows.Holds("vm-1"));
        scoring.Batches.Flush();
        Assert.Equal(["vm-1:anomaly-autoencoder/1"], Drain(next).Forwarded);
        Assert.Equal((List<string>)[], Drain(revoked).Forwarded);
    }

    [Fact]
    public void Each_stream_thread_has_its_own_batches()
    {
        var scoring = Scoring(new PipelineMetrics("anomaly"));
        var mine = scoring.Batches;
        ThreadBatches? other = null;
        var thread = new Thread(() => other = scoring.Batches);
        thread.Start();
        thread.Join();
        Assert.Same(mine, scoring.Batches);
        Assert.NotNull(other);
        Assert.NotSame(mine, other);
    }
}
