using NovaOps.Contracts;
using NovaOps.Datasets;
using NovaOps.Simulator;
using NovaOps.Tests.Shared;

namespace NovaOps.Training.Tests;

/// <summary>Datasets from recorded telemetry and fault labels (<c>novaops record</c>, <c>train --data</c>).</summary>
public sealed class RecordedDatasetTests : IDisposable
{
    private static readonly SimulatorOptions Fleet = new() { Seed = 11, Vms = 48, FaultsPerHour = 30, FaultFreePrefix = TimeSpan.FromMinutes(20) };
    private const long Ticks = 2 * 360;
    private readonly string _dir = Directory.CreateTempSubdirectory("novaops-recording-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_recording_of_a_simulated_fleet_gives_the_simulator_dataset()
    {
        var (samples, labels) = SimulatedRecording.Publish(Fleet, Ticks);
        // Zone labels name no VMs (the samples' zones must stand in); this zone's fault hits 16 of them.
        Assert.Contains(labels, l => l.Scope == FaultScope.Zone);
        Assert.Contains(labels, l => l.SymptomVms.Count > 0);
        JsonLines.Write(Path.Combine(_dir, RecordingFiles.Telemetry + ".gz"), samples);
        JsonLines.Write(Path.Combine(_dir, RecordingFiles.Faults), labels);

        var recorded = TelemetryDatasets.FromFolder(_dir);
        var simulated = SimulatorDatasets.Build(Fleet, Ticks);

        // Same features and the same labels on every window, in the same order.
        Assert.Equal(simulated.ContentHash(), recorded.ContentHash());
        Assert.Equal(simulated.Series.Select(s => s.Id), recorded.Series.Select(s => s.Id));
        Assert.Equal(
            simulated.Incidents.Select(i => (i.Id, i.Kind, i.PrecursorStartMs, i.OnsetMs, i.EndMs, string.Join(",", i.Series.Order()))),
            recorded.Incidents.Select(i => (i.Id, i.Kind, i.PrecursorStartMs, i.OnsetMs, i.EndMs, string.Join(",", i.Series))));
        Assert.Equal("recording", recorded.Source.Kind);
        Assert.Equal(samples.Count.ToString(), recorded.Source.Parameters["samples"]);
        Assert.Equal(labels.Count.ToString(), recorded.Source.Parameters["faults"]);
    }

    [Fact]
    public void Recordings_one_after_the_other_read_as_one_in_time_order_and_overlapping_ones_are_refused()
    {
        var (samples, labels) = SimulatedRecording.Publish(Fleet with { Vms = 8 }, 720);
        long cut = samples[samples.Count / 2].TimestampMs;
        string first = Directory.CreateDirectory(Path.Combine(_dir, "day-1")).FullName, second = Directory.CreateDirectory(Path.Combine(_dir, "day-2")).FullName;
        JsonLines.Write(Path.Combine(first, RecordingFiles.Telemetry + ".gz"), samples.Where(s => s.TimestampMs < cut));
        JsonLines.Write(Path.Combine(first, RecordingFiles.Faults), labels.Where(l => l.PrecursorStartMs < cut));
        JsonLines.Write(Path.Combine(second, RecordingFiles.Telemetry), samples.Where(s => s.TimestampMs >= cut));
        JsonLines.Write(Path.Combine(second, RecordingFiles.Faults), labels.Where(l => l.PrecursorStartMs >= cut));

        // Given in the wrong order: still read day 1 first, each VM's windows running on into day 2.
        var joined = TelemetryDatasets.FromFolders([second, first]);
        Assert.Equal(TelemetryDatasets.FromRecords(samples, labels).ContentHash(), joined.ContentHash());
        Assert.Equal("day-1,day-2", joined.Source.Parameters["recordings"]);
        Assert.Equal("2 of 2", joined.Source.Parameters["labelled_recordings"]);

        var e = Assert.Throws<InvalidDataException>(() => TelemetryDatasets.FromFolders([first, second, first]));
        Assert.Contains("overlap", e.Message);

        // A sample without a time (left out, as the apps would dead-letter it) says nothing of when a recording starts.
        var timeless = samples[0].Clone();
        timeless.TimestampMs = 0;
        JsonLines.Write(Path.Combine(second, RecordingFiles.Telemetry), samples.Where(s => s.TimestampMs >= cut).Prepend(timeless));
        var withTimeless = TelemetryDatasets.FromFolders([first, second]);
        Assert.Equal(joined.ContentHash(), withTimeless.ContentHash());
        Assert.Equal("missing_field:1", withTimeless.Source.Parameters["samples_rejected"]);
    }

    [Fact]
    public void Partitions_interleaved_otherwise_give_the_same_dataset()
    {
        var (samples, labels) = SimulatedRecording.Publish(Fleet with { Vms = 8 }, 360);
        // Two partitions read one after the other: each VM's samples stay in order, the fleet's do not.
        var byPartition = samples.Where(s => s.VmId[^1] % 2 == 0)
            .Concat(samples.Where(s => s.VmId[^1] % 2 != 0));
        Assert.Equal(TelemetryDatasets.FromRecords(samples, labels).ContentHash(),
            TelemetryDatasets.FromRecords(byPartition, labels.AsEnumerable().Reverse()).ContentHash());
    }

    [Fact]
    public void A_fault_ended_by_an_action_ends_its_labels_there()
    {
        var (samples, labels) = SimulatedRecording.Publish(Fleet with { Vms = 8 }, 360);
        var fault = labels.First(l => l.Scope == FaultScope.Vm && l.EndMs - l.OnsetMs > 5 * 60_000);
        var resolved = fault.Clone();
        resolved.ResolvedMs = fault.OnsetMs + 60_000;
        var vm = fault.AffectedVms[0];

        var before = TelemetryDatasets.FromRecords(samples, labels);
        var after = TelemetryDatasets.FromRecords(samples, [.. labels, resolved]);
        int InIncident(WindowDataset d) => d.Series.Single(s => s.Id == vm).Labels.Count(l => l.InIncident);
        Assert.True(InIncident(after) < InIncident(before), $"{InIncident(after)} vs {InIncident(before)} windows in the incident");
        Assert.Equal(resolved.ResolvedMs, after.Incidents.Single(i => i.Id == fault.FaultId).EndMs);
    }

    [Fact]
    public void Samples_the_stream_apps_would_dead_letter_are_left_out_and_counted()
    {
        var (samples, labels) = SimulatedRecording.Publish(Fleet with { Vms = 4 }, 120);
        var clean = TelemetryDatasets.FromRecords(samples, labels);
        var bad = samples.Select(s => s.Clone()).ToList();
        bad[10].CpuUtil = double.NaN;
        bad[11].CpuUtil = 250;
        bad[12].VmId = "";
        var data = TelemetryDatasets.FromRecords(bad, labels);
        Assert.Equal("missing_field:1,not_finite:1,out_of_range:1", data.Source.Parameters["samples_rejected"]);
        Assert.Equal((samples.Count - 3).ToString(), data.Source.Parameters["samples"]);
        Assert.NotEqual(clean.ContentHash(), data.ContentHash());
        Assert.Equal("0", clean.Source.Parameters["samples_rejected"]);
    }

    [Fact]
    public void A_recording_without_labels_is_all_normal_windows()
    {
        var (samples, _) = SimulatedRecording.Publish(Fleet with { Vms = 4 }, 120);
        JsonLines.Write(Path.Combine(_dir, RecordingFiles.Telemetry), samples);
        var data = TelemetryDatasets.FromFolder(_dir);
        Assert.Equal(4, data.Series.Count);
        Assert.All(data.Series.SelectMany(s => s.Labels), l => Assert.Equal(WindowLabel.Normal, l));
        Assert.Empty(data.Incidents);
        Assert.Equal("0 of 1", data.Source.Parameters["labelled_recordings"]);
    }

    [Fact]
    public void A_damaged_or_missing_recording_is_a_clear_error()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => TelemetryDatasets.FromFolder(_dir));
        Assert.Contains("novaops record", missing.Message);

        var (samples, _) = SimulatedRecording.Publish(Fleet with { Vms = 2 }, 10);
        string path = Path.Combine(_dir, RecordingFiles.Telemetry);
        JsonLines.Write(path, samples);
        var lines = File.ReadAllLines(path).ToList();
        lines.Insert(5, "{\"vmId\": \"vm-1\", \"timestampMs\": \"soon\"}");
        File.WriteAllLines(path, lines);
        var damaged = Assert.Throws<InvalidDataException>(() => TelemetryDatasets.FromFolder(_dir));
        Assert.Contains($"{path}:6: not a TelemetrySample record", damaged.Message);

        // A recording killed mid-write: its .gz ends inside a line.
        File.Delete(path);
        JsonLines.Write(path + ".gz", samples);
        var bytes = File.ReadAllBytes(path + ".gz");
        File.WriteAllBytes(path + ".gz", bytes[..(bytes.Length * 2 / 3)]);
        var cut = Assert.Throws<InvalidDataException>(() => TelemetryDatasets.FromFolder(_dir));
        Assert.Contains("cut short", cut.Message);
        File.Delete(path + ".gz");

        File.WriteAllText(path, "");
        Assert.Contains("no telemetry sample", Assert.Throws<InvalidDataException>(() => TelemetryDatasets.FromFolder(_dir)).Message);
    }
}
