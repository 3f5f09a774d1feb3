namespace NovaOps.Observability;

/// <summary>Where an app serves <c>/metrics</c>.</summary>
public sealed record MetricsOptions
{
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 serves no endpoint (metrics are still counted, e.g. for the demo summary).</summary>
    public int Port { get; init; } = 9464;
}
