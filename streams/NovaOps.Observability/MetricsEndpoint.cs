using Prometheus;

namespace NovaOps.Observability;

/// <summary>Serves a registry on http://host:port/metrics until disposed.</summary>
public sealed class MetricsEndpoint : IDisposable
{
    private readonly MetricServer? _server;

    public string? Url { get; }

    public MetricsEndpoint(MetricsOptions options, CollectorRegistry registry)
    {
        if (options.Port <= 0) return;
        _server = new MetricServer(options.Host, options.Port, "metrics/", registry);
        _server.Start();
        Url = $"http://{options.Host}:{options.Port}/metrics";
    }

    public void Dispose() => _server?.Dispose();
}
