namespace NovaOps.Recording;

/// <summary>How long <see cref="TopicRecorder"/> records, and from where.</summary>
public sealed record RecorderOptions
{
    /// <summary>
    /// Stop once every partition is read to its end and nothing new came for this long: a recording taken while a
    /// fleet publishes follows it, and one of a topic's history ends when the history does.
    /// </summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Stop after this long whatever comes (null: no limit).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Stop after this many telemetry samples (null: no limit).</summary>
    public long? MaxSamples { get; init; }

    /// <summary>Start at the oldest record the topics still hold (true) or at what arrives from now on.</summary>
    public bool FromBeginning { get; init; } = true;

    /// <summary>How long to wait for the cluster's metadata before saying it cannot be reached.</summary>
    public TimeSpan MetadataTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public void Validate()
    {
        if (Idle <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Idle), "the idle time must be positive");
        if (Duration is { } d && d <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Duration), "the duration must be positive");
        if (MaxSamples is { } n && n <= 0) throw new ArgumentOutOfRangeException(nameof(MaxSamples), "the sample limit must be positive");
    }
}
