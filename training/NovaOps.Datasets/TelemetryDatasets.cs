using System.Globalization;
using NovaOps.Contracts;
using NovaOps.Detection;
using NovaOps.Evaluation.GroundTruth;

namespace NovaOps.Datasets;

/// <summary>
/// Builds a labelled window dataset from recorded telemetry (a region's <c>telemetry</c> topic, written by
/// <c>novaops record</c> or <c>demo --run-dir</c>) and, where there is ground truth, its fault labels. The samples go
/// through the feature extractor the anomaly topology runs, and windows are labelled as a simulator dataset's are,
/// so a model trained on a recording scores the same features it learnt from.
/// </summary>
public static class TelemetryDatasets
{
    /// <summary>
    /// Reads a recording folder: <see cref="RecordingFiles.Telemetry"/> (required) and <see cref="RecordingFiles.Faults"/>
    /// (optional: without it every window counts as normal), each plain or <c>.gz</c>.
    /// </summary>
    public static WindowDataset FromFolder(string directory, FeatureOptions? features = null, IProgress<double>? progress = null) =>
        FromFolders([directory], features, progress);

    /// <summary>
    /// Reads several recordings of one region (e.g. one a day) as one: in time order (by each one's first sample, whatever
    /// order they are given in), each VM's windows running on from one into the next. Recordings that overlap in time
    /// are refused: the same minutes twice would count their samples twice.
    /// </summary>
    public static WindowDataset FromFolders(IReadOnlyList<string> directories, FeatureOptions? features = null, IProgress<double>? progress = null)
    {
        if (directories.Count == 0) throw new ArgumentException("no recording given");
        var window = (features ?? new FeatureOptions()).Window;
        var recordings = directories.Select(Recording.Open).OrderBy(r => r.FirstMs).ToList();
        var labels = recordings.SelectMany(r => r.Faults is null ? [] : JsonLines.Read<FaultLabel>(r.Faults)).ToList();

        IEnumerable<TelemetrySample> Samples()
        {
            for (int i = 0; i < recordings.Count; i++)
            {
                var r = recordings[i];
                var share = progress is null ? null : new ShareOf(progress, i, recordings.Count);
                foreach (var sample in JsonLines.Read<TelemetrySample>(r.Telemetry, share))
                {
                    r.Add(sample.TimestampMs);
                    yield return sample;
                }
                // A sample may come late (by up to a window) and still belong where it is; more than that is the same time twice.
                if (i > 0 && recordings[i - 1].LastMs != long.MinValue && r.FirstMs < recordings[i - 1].LastMs - (long)window.TotalMilliseconds)
                    throw new InvalidDataException($"recordings {recordings[i - 1].Name} (to {Time(recordings[i - 1].LastMs)}) and {r.Name} (from {Time(r.FirstMs)}) overlap: the same minutes twice would count their samples twice");
            }
        }

        var data = FromRecords(Samples(), labels, features);
        var parameters = new Dictionary<string, string>(data.Source.Parameters)
        {
            ["recordings"] = string.Join(",", recordings.Select(r => r.Name)),
            ["labelled_recordings"] = $"{recordings.Count(r => r.Faults is not null)} of {recordings.Count}",
        };
        // Provenance of what `novaops record` took: the cluster, the offsets read, and when.
        if (recordings.Where(r => r.Manifest is not null).Select(r => $"{r.Name}: {r.Manifest!.Describe()} on {r.Manifest.BootstrapServers}, recorded {Time(r.Manifest.StartedUtc)} to {Time(r.Manifest.EndedUtc)}").ToList() is { Count: > 0 } provenance)
            parameters["recorded_from"] = string.Join("; ", provenance);
        return new WindowDataset(data.Schema, data.Series, data.Source with
        {
            Description = $"recorded telemetry in {string.Join(", ", recordings.Select(r => r.Name))}: {data.Source.Description}",
            Parameters = parameters,
        }, data.Incidents);
    }

    /// <summary>Reports part <c>index</c> of <c>count</c> equal parts of the whole, on the reporting thread.</summary>
    private sealed class ShareOf(IProgress<double> whole, int index, int count) : IProgress<double>
    {
        public void Report(double value) => whole.Report((index + value) / count);
    }

    private static string Time(long ms) => Time(DateTimeOffset.FromUnixTimeMilliseconds(ms));

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>One recording folder's files, and the time its samples span (known once read).</summary>
    private sealed class Recording(string name, string telemetry, string? faults, RecordingManifest? manifest, long firstMs)
    {
        public string Name { get; } = name;
        public RecordingManifest? Manifest { get; } = manifest;
        public string Telemetry { get; } = telemetry;
        public string? Faults { get; } = faults;
        public long FirstMs { get; private set; } = firstMs;
        public long LastMs { get; private set; } = long.MinValue;

        public void Add(long ms)
        {
            if (ms <= 0) return; // no time (a sample the codec rejects): it says nothing of the span
            FirstMs = Math.Min(FirstMs, ms);
            LastMs = Math.Max(LastMs, ms);
        }

        public static Recording Open(string directory)
        {
            if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"no folder {directory}");
            string telemetry = JsonLines.Find(directory, RecordingFiles.Telemetry)
                ?? throw new FileNotFoundException($"{directory} holds no {RecordingFiles.Telemetry}(.gz): record one with `novaops record --out {directory}`");
            // The first sample orders the recordings: a recording is in time order but for a partition's lag.
            long first = JsonLines.Read<TelemetrySample>(telemetry).Select(s => s.TimestampMs).FirstOrDefault(ms => ms > 0, long.MaxValue);
            return new Recording(Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar)), telemetry,
                JsonLines.Find(directory, RecordingFiles.Faults), RecordingManifest.Read(directory), first);
        }
    }

    /// <summary>
    /// Builds the dataset from samples (each VM's in time order, as a partition of the telemetry topic holds them) and
    /// fault labels. Samples the stream apps would dead-letter are left out and counted (<c>samples_rejected</c>).
    /// </summary>
    public static WindowDataset FromRecords(IEnumerable<TelemetrySample> samples, IEnumerable<FaultLabel> labels, FeatureOptions? features = null)
    {
        var faults = FaultLabels.Merge(labels);
        var truth = new FaultIndex(faults);
        var schema = new FeatureSchema(MetricNames.Standard);
        var extractor = new WindowFeatureExtractor(schema, features ?? new FeatureOptions());
        var codec = new TelemetryCodec();

        var vms = new Dictionary<string, VmState>(StringComparer.Ordinal);
        var rejected = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var values = new double[MetricNames.Count];
        var row = new double[schema.Length];
        long accepted = 0, firstMs = long.MaxValue, lastMs = long.MinValue;
        foreach (var sample in samples)
        {
            var check = codec.Validate(sample);
            if (!check.IsValid)
            {
                rejected[check.ReasonCode!] = rejected.GetValueOrDefault(check.ReasonCode!) + 1;
                continue;
            }
            if (!vms.TryGetValue(sample.VmId, out var vm))
            {
                vm = new VmState(new EntitySeries(sample.VmId, schema.Length), new double[extractor.StateLength], WindowsOf(truth, sample.VmId, sample.Zone), sample.Zone);
                extractor.InitState(vm.State);
                vms.Add(sample.VmId, vm);
            }
            sample.CopyStandardMetrics(values);
            if (extractor.Add(vm.State, sample.TimestampMs, values, row) is { } w)
                vm.Series.Add(w.EndMs, row, FaultWindows.Label(vm.Faults, w.StartMs, w.EndMs));
            accepted++;
            firstMs = Math.Min(firstMs, sample.TimestampMs);
            lastMs = Math.Max(lastMs, sample.TimestampMs);
        }
        if (accepted == 0)
            throw new InvalidDataException(rejected.Count == 0 ? "the recording holds no telemetry sample" : $"no valid telemetry sample: rejected {Describe(rejected)}");

        // Ordered by VM id, so the dataset (and its hash on the card) does not depend on how partitions interleaved.
        var ordered = vms.Values.OrderBy(v => v.Series.Id, StringComparer.Ordinal).ToList();
        var index = ordered.Select((v, i) => (v.Series.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var incidents = faults.Select(f => new Incident(f.FaultId, f.Kind.ToString(), f.PrecursorStartMs, f.OnsetMs, f.EndMs,
            [.. ordered.Where(v => FaultIndex.Hits(f, v.Series.Id, v.Zone)).Select(v => index[v.Series.Id])])).ToList();

        var parameters = new Dictionary<string, string>
        {
            ["samples"] = accepted.ToString(CultureInfo.InvariantCulture),
            ["samples_rejected"] = rejected.Count == 0 ? "0" : Describe(rejected),
            ["vms"] = ordered.Count.ToString(CultureInfo.InvariantCulture),
            ["from"] = DateTimeOffset.FromUnixTimeMilliseconds(firstMs).ToString("O", CultureInfo.InvariantCulture),
            ["to"] = DateTimeOffset.FromUnixTimeMilliseconds(lastMs).ToString("O", CultureInfo.InvariantCulture),
            ["faults"] = faults.Count.ToString(CultureInfo.InvariantCulture),
            ["fault_mix"] = string.Join(",", faults.GroupBy(f => f.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}")),
        };
        string span = $"{(lastMs - firstMs) / 3_600_000.0:0.#} h";
        return new WindowDataset(schema, [.. ordered.Select(v => v.Series)],
            new DatasetSource("recording", $"{accepted:N0} samples of {ordered.Count} VMs over {span}, {faults.Count} labelled faults", parameters), incidents);
    }

    private static string Describe(SortedDictionary<string, long> counts) => string.Join(",", counts.Select(kv => $"{kv.Key}:{kv.Value}"));

    private sealed record VmState(EntitySeries Series, double[] State, FaultWindows? Faults, string Zone);

    /// <summary>What a VM's labelled faults make of its windows: its own count from their precursor, those hurting it through calls from onset.</summary>
    private static FaultWindows? WindowsOf(FaultIndex faults, string vm, string zone)
    {
        FaultWindows? windows = null;
        foreach (var f in faults.Own(vm, zone)) (windows ??= new()).AddOwn(f.PrecursorStartMs, f.OnsetMs, f.EndMs);
        foreach (var f in faults.HurtThrough(vm)) (windows ??= new()).AddCascade(f.OnsetMs, f.EndMs);
        return windows;
    }
}
