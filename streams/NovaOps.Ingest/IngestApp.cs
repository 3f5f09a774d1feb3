using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NovaOps.Contracts;
using NovaOps.Ingest.RemoteWrite;
using NovaOps.Observability;
using NovaOps.Kafka;

namespace NovaOps.Ingest;

/// <summary>
/// Prometheus remote_write into the region's telemetry: <c>POST /api/v1/write</c> (snappy-compressed protobuf
/// <c>WriteRequest</c>), series mapped to telemetry samples (<see cref="SeriesMapping"/>), one record per VM and
/// timestamp on <c>telemetry</c>, keyed by VM. Answers as Prometheus expects: 204 once Kafka has every record, 400 with
/// the reason for a body it cannot read (also dead-lettered, whole), 401 without the bearer token, 413 past the size
/// limits, 503 when Kafka does not take the records (Prometheus retries those). Values are not judged here: the anomaly
/// app validates them and dead-letters what it refuses.
/// </summary>
public sealed class IngestApp : IAsyncDisposable
{
    private readonly TopicNames _topics;
    private readonly IngestOptions _options;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _log;
    private readonly IProducer<string, byte[]> _producer;
    private readonly SeriesMapping _mapping;
    private readonly byte[]? _expectedAuthorization;
    private readonly Prometheus.Counter _requests, _series;
    private WebApplication? _web;

    public IngestApp(KafkaClientOptions kafka, TopicNames topics, IngestOptions options, PipelineMetrics metrics, ILoggerFactory? logging = null)
    {
        _topics = topics;
        _options = options;
        _metrics = metrics;
        _log = (logging ?? NullLoggerFactory.Instance).CreateLogger<IngestApp>();
        _mapping = new SeriesMapping(options.Mapping);
        string token = options.BearerTokenFile != "" ? File.ReadAllText(options.BearerTokenFile).Trim() : options.BearerToken;
        _expectedAuthorization = token == "" ? null : Encoding.UTF8.GetBytes($"Bearer {token}");
        _producer = new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig
        {
            Acks = Acks.All, EnableIdempotence = true, LingerMs = 5, MessageTimeoutMs = 15_000,
        })).Build();
        var f = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        _requests = f.CreateCounter("novaops_ingest_requests_total", "remote_write requests, by HTTP status answered.", ["app", "code"]);
        _series = f.CreateCounter("novaops_ingest_series_total", "Series received, by what became of them (mapped, unmapped, no_vm).", ["app", "outcome"]);
    }

    /// <summary>The URL senders write to (after <see cref="StartAsync"/>: the port actually bound when Listen asked for 0).</summary>
    public string Url { get; private set; } = "";

    public async Task StartAsync(CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://{_options.Listen}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = _options.MaxBodyBytes);
        _web = builder.Build();
        _web.MapPost("/api/v1/write", Write);
        await _web.StartAsync(ct);
        Url = _web.Urls.First() + "/api/v1/write";
    }

    private async Task Write(HttpContext http)
    {
        int status;
        string? reason = null;
        try
        {
            Authorize(http.Request);
            if (http.Request.ContentLength > _options.MaxBodyBytes)
                throw new RemoteWriteException(413, $"the body is {http.Request.ContentLength:N0} bytes, more than the {_options.MaxBodyBytes:N0} accepted");
            var encoding = http.Request.Headers.ContentEncoding.ToString();
            if (encoding != "" && !encoding.Equals("snappy", StringComparison.OrdinalIgnoreCase))
                throw new RemoteWriteException(415, $"Content-Encoding '{encoding}': remote_write bodies are snappy-compressed");
            byte[] body = await ReadBody(http);
            status = await Ingest(body, http.RequestAborted);
        }
        catch (RemoteWriteException e)
        {
            (status, reason) = (e.Status, e.Message);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            (status, reason) = (413, $"the body is larger than the {_options.MaxBodyBytes:N0} bytes accepted");
        }
        _requests.WithLabels(_metrics.App, status.ToString()).Inc();
        http.Response.StatusCode = status;
        if (status == 401) http.Response.Headers.WWWAuthenticate = "Bearer";
        if (reason is not null)
        {
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(reason + "\n");
        }
    }

    private void Authorize(HttpRequest request)
    {
        if (_expectedAuthorization is null) return;
        var given = Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString());
        if (!CryptographicOperations.FixedTimeEquals(given, _expectedAuthorization))
            throw new RemoteWriteException(401, "a bearer token is required (Authorization: Bearer …)");
    }

    // Kestrel enforces MaxBodyBytes while the body streams in (BadHttpRequestException 413, answered in Write).
    private static async Task<byte[]> ReadBody(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        return buffer.ToArray();
    }

    private async Task<int> Ingest(byte[] body, CancellationToken ct)
    {
        RemoteWrite.Wire.WriteRequest request;
        try { request = RemoteWriteDecoder.Decode(body, _options.MaxDecompressedBytes); }
        catch (RemoteWriteException e) when (e.Status == 400)
        {
            DeadLetter(body, e.Message);
            throw;
        }
        var mapped = _mapping.Map(request);
        _series.WithLabels(_metrics.App, "mapped").Inc(request.Timeseries.Count - mapped.SeriesUnmapped - mapped.SeriesWithoutVm);
        _series.WithLabels(_metrics.App, "unmapped").Inc(mapped.SeriesUnmapped);
        _series.WithLabels(_metrics.App, "no_vm").Inc(mapped.SeriesWithoutVm);
        _metrics.RecordsIn("remote_write").Inc(mapped.Samples.Count);
        var deliveries = mapped.Samples.Select(s =>
            _producer.ProduceAsync(_topics.Telemetry, new Message<string, byte[]> { Key = s.VmId, Value = s.ToByteArray() }, ct)).ToList();
        try { await Task.WhenAll(deliveries); }
        catch (ProduceException<string, byte[]> e)
        {
            _log.LogWarning("telemetry not written ({Reason}): the sender will retry", e.Error.Reason);
            throw new RemoteWriteException(503, $"{_topics.Telemetry} did not take the samples ({e.Error.Reason}); retry");
        }
        _metrics.RecordsOut(_topics.Telemetry).Inc(mapped.Samples.Count);
        return 204;
    }

    private void DeadLetter(byte[] body, string reason)
    {
        _metrics.DeadLettered(RejectReasons.Malformed).Inc();
        var letter = DeadLetters.Create(_metrics.App, RejectReasons.Malformed, $"a remote_write request the ingest cannot read: {reason}", "remote_write", -1, -1,
            [], body, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        _producer.Produce(_topics.DeadLetter, new Message<string, byte[]> { Key = "remote_write", Value = letter.ToByteArray() });
        _metrics.RecordsOut(_topics.DeadLetter).Inc();
    }

    public async ValueTask DisposeAsync()
    {
        if (_web is not null)
        {
            using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10))) await _web.StopAsync(stopping.Token);
            await _web.DisposeAsync();
        }
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
