using NovaOps.Detection;

namespace NovaOps.Datasets;

/// <summary>Feature windows of many entities, with the feature schema they were computed with.</summary>
public sealed class WindowDataset(FeatureSchema schema, IReadOnlyList<EntitySeries> series, DatasetSource source, IReadOnlyList<Incident>? incidents = null,
    IReadOnlyList<string>? featureNames = null)
{
    /// <summary>The names of the feature columns (the schema's, unless the rows were transformed, e.g. made scale-free).</summary>
    public IReadOnlyList<string> FeatureNames { get; } = featureNames ?? [.. schema.FeatureNames];

    /// <summary>Width of a row.</summary>
    public int FeatureCount => FeatureNames.Count;

    /// <summary>The ground-truth incidents (simulator datasets), for event-level evaluation.</summary>
    public IReadOnlyList<Incident> Incidents { get; } = incidents ?? [];

    public FeatureSchema Schema { get; } = schema;
    public IReadOnlyList<EntitySeries> Series { get; } = series;
    public DatasetSource Source { get; } = source;
    public int WindowCount => Series.Sum(s => s.Count);

    /// <summary>
    /// A stable hash of the dataset's content (features and labels), written on the model card so a
    /// model can be traced to its exact training data.
    /// </summary>
    public string ContentHash()
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[16];
        foreach (var s in Series)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(s.Id));
            for (int i = 0; i < s.Count; i++)
            {
                sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.Features[i].AsSpan()));
                BitConverter.TryWriteBytes(buffer, s.WindowEndMs[i]);
                var l = s.Labels[i];
                buffer[8] = (byte)((l.Faulty ? 1 : 0) | (l.InIncident ? 2 : 0));
                BitConverter.TryWriteBytes(buffer[9..], (int)Math.Min(int.MaxValue, l.MsToNextOnset ?? -1));
                sha.AppendData(buffer[..13]);
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

/// <summary>Where a dataset came from, for the model card.</summary>
public sealed record DatasetSource(string Kind, string Description, IReadOnlyDictionary<string, string> Parameters);

/// <summary>One injected fault: when it starts (onset, after its precursor) and which series it touches.</summary>
public sealed record Incident(string Id, string Kind, long PrecursorStartMs, long OnsetMs, long EndMs, IReadOnlyList<int> Series);
