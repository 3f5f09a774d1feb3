using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Confluent.Kafka;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Detection.Statistical;
using NovaOps.Observability;
using NovaOps.Streams.Anomaly;
using NovaOps.Streams.Hosting;
using NovaOps.Tests.Shared;

namespace NovaOps.Ingest.Tests;

/// <summary>The remote_write endpoint on the embedded broker: HTTP in, telemetry records out.</summary>
public sealed class IngestAppTests : IAsyncDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = new();
    private readonly TopicNames _topics = new($"in-{Guid.NewGuid():N}"[..11]);
    private readonly List<BackgroundProcess> _processes = [];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-ingest-");
    private const string Token = "s3cret-token";

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes) p.Dispose();
        _cluster.Dispose();
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }

    private async Task<(IngestApp App, PipelineMetrics Metrics)> StartAsync(IngestOptions? options = null)
    {
        await new EmbeddedTopicProvisioner(_cluster).EnsureTopicsAsync(
            [.. AnomalyTopology.RequiredTopics(_topics, new AnomalyTopologyOptions { ApplicationId = $"{_topics.Prefix}-anomaly" }, 2)], TestContext.Current.CancellationToken);
        var metrics = new PipelineMetrics("ingest");
        var app = new IngestApp(_cluster.BootstrapServers, _topics, options ?? new IngestOptions { Listen = "127.0.0.1:0", BearerToken = Token, MaxBodyBytes = 64 * 1024 }, metrics);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return (app, metrics);
    }

    private List<T> Read<T>(string topic, Func<byte[], T> parse, int count, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers, GroupId = $"r-{Guid.NewGuid():N}", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        }).Build();
        using (var admin = new DependentAdminClientBuilder(consumer.Handle).Build())
            consumer.Assign(admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        var items = new List<T>();
        var clock = Stopwatch.StartNew();
        while (items.Count < count && clock.Elapsed < timeout)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200))?.Message?.Value is { } v) items.Add(parse(v));
        return items;
    }

    private static HttpRequestMessage Post(string url, byte[] body, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        request.Content.Headers.ContentEncoding.Add("snappy");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [Fact]
    public async Task Samples_reach_the_telemetry_topic_and_bad_requests_get_their_status_and_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var (app, metrics) = await StartAsync();
        await using var _ = app;
        using var http = new HttpClient();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000 * 1000;
        (string, string)[] vm = [("instance", "10.1.2.3:9100"), ("zone", "eu-west-a"), ("region", "eu-west")];
        var body = Writes.Body(Writes.Series("novaops_vm_cpu_util_percent", vm, (30, now - 15_000), (35, now)), Writes.Series("novaops_vm_mem_util_percent", vm, (50, now)));

        using (var ok = await http.SendAsync(Post(app.Url, body, Token), ct)) Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        var samples = Read(_topics.Telemetry, TelemetrySample.Parser.ParseFrom, 2, TimeSpan.FromSeconds(20));
        Assert.Equal(2, samples.Count);
        Assert.All(samples, s => Assert.Equal(("10.1.2.3", "eu-west-a"), (s.VmId, s.Zone)));
        Assert.Equal((35.0, 50.0), (samples[^1].CpuUtil, samples[^1].MemUtil));

        using (var noToken = await http.SendAsync(Post(app.Url, body, null), ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
            Assert.Equal("Bearer", noToken.Headers.WwwAuthenticate.Single().Scheme);
        }
        using (var wrongToken = await http.SendAsync(Post(app.Url, body, "guess"), ct)) Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        using (var garbage = await http.SendAsync(Post(app.Url, "not snappy at all"u8.ToArray(), Token), ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
            Assert.Contains("snappy", await garbage.Content.ReadAsStringAsync(ct));
        }
        // Before the size checks: a refused oversized body closes the connection.
        var gzipped = Post(app.Url, body, Token);
        gzipped.Content!.Headers.ContentEncoding.Clear();
        gzipped.Content.Headers.ContentEncoding.Add("gzip");
        using (var wrongEncoding = await http.SendAsync(gzipped, ct))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongEncoding.StatusCode);
            Assert.Contains("snappy", await wrongEncoding.Content.ReadAsStringAsync(ct));
        }
        using (var large = await http.SendAsync(Post(app.Url, new byte[100 * 1024], Token), ct)) Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        // Without a Content-Length (chunked), the limit holds while the body streams in: Kestrel answers 413 and closes
        // the connection, which a client still uploading sees as the response ending early. Either way nothing is written.
        var chunked = Post(app.Url, [], Token);
        chunked.Content = new StreamContent(new MemoryStream(new byte[100 * 1024]));
        chunked.Content.Headers.ContentEncoding.Add("snappy");
        chunked.Headers.TransferEncodingChunked = true;
        try
        {
            using var fresh = new HttpClient(); // the 413 above closed the pooled connection
            using var large = await fresh.SendAsync(chunked, ct);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        }
        catch (HttpRequestException e) when (e.InnerException is IOException) { }

        var letter = Assert.Single(Read(_topics.DeadLetter, DeadLetter.Parser.ParseFrom, 1, TimeSpan.FromSeconds(20)));
        Assert.Equal(("remote_write", RejectReasons.Malformed), (letter.SourceTopic, letter.ReasonCode));
        Assert.Equal(2, metrics.RecordsOut(_topics.Telemetry).Value);
    }

    private void Start(string file, params string[] args) => _processes.Add(BackgroundProcess.Start(file, args));

    [Fact]
    public async Task A_real_prometheus_remote_writes_node_exporter_telemetry_that_the_anomaly_app_reads()
    {
        if (Repository.Which("prometheus") is not { } prometheus) { Repository.Missing("prometheus (Debian package)"); return; }
        if (Repository.Which("prometheus-node-exporter") is not { } nodeExporter) { Repository.Missing("prometheus-node-exporter (Debian package)"); return; }
        var ct = TestContext.Current.CancellationToken;
        var (ingest, ingestMetrics) = await StartAsync();
        await using var _ = ingest;
        var anomalyMetrics = new PipelineMetrics("anomaly");
        await using var anomaly = new AnomalyApp(_cluster.BootstrapServers, _topics, new AnomalyTopologyOptions { ApplicationId = $"{_topics.Prefix}-anomaly" },
            new StreamAppOptions { StateDirectory = Path.Combine(_dir.FullName, "state"), CommitIntervalMs = 200, SessionTimeoutMs = 6000 },
            schema => new StatisticalDetector(schema), anomalyMetrics);
        await anomaly.StartAsync(ct);

        int exporterPort = LocalPorts.Free(), prometheusPort = LocalPorts.Free();
        Start(nodeExporter, $"--web.listen-address=127.0.0.1:{exporterPort}");
        // The shipped rules, evaluated every 2 s instead of 15 s so the test need not wait.
        string rules = Path.Combine(_dir.FullName, "remote-write.rules.yml");
        File.WriteAllText(rules, File.ReadAllText(Repository.Path("dashboards", "rules", "remote-write.rules.yml")).Replace("interval: 15s", "interval: 2s"));
        File.WriteAllText(Path.Combine(_dir.FullName, "token"), Token);
        File.WriteAllText(Path.Combine(_dir.FullName, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            rule_files: ['{rules}']
            scrape_configs:
              - job_name: node
                static_configs: [{"{"} targets: ['127.0.0.1:{exporterPort}'], labels: {"{"} zone: eu-west-a, region: eu-west, tenant: ops {"}"} {"}"}]
            remote_write:
              - url: {ingest.Url}
                authorization: {"{"} credentials_file: {Path.Combine(_dir.FullName, "token")} {"}"}
                write_relabel_configs: [{"{"} source_labels: [__name__], regex: 'novaops_vm_.*', action: keep {"}"}]
                queue_config: {"{"} batch_send_deadline: 1s {"}"}
            """);
        Start(prometheus, $"--config.file={Path.Combine(_dir.FullName, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(_dir.FullName, "tsdb")}",
            $"--web.listen-address=127.0.0.1:{prometheusPort}");

        // The rate-based fields (CPU, I/O wait, network) appear once Prometheus has two scrapes in the rules' 1-minute
        // window; until then a sample carries the gauges only (memory, disk): "not measured", not 0.
        var telemetryIn = anomalyMetrics.RecordsIn(_topics.Telemetry);
        var clock = Stopwatch.StartNew();
        while (telemetryIn.Value < 8 && clock.Elapsed < TimeSpan.FromSeconds(120)) await Task.Delay(500, ct);
        Assert.True(telemetryIn.Value >= 8, $"the anomaly app read {telemetryIn.Value} telemetry records from remote_write in 120 s");
        var samples = Read(_topics.Telemetry, TelemetrySample.Parser.ParseFrom, 8, TimeSpan.FromSeconds(10));
        Assert.All(samples, s => Assert.Equal(("127.0.0.1", "eu-west-a", "ops"), (s.VmId, s.Zone, s.TenantId)));
        var complete = samples.Where(s => s.HasCpuUtil && s.HasMemUtil && s.HasDiskUtil && s.HasNetRxBytes && s.HasNetTxBytes && s.HasDiskIoWait).ToList();
        Assert.True(complete.Count > 0, $"no sample with every field among:\n{string.Join("\n", samples)}");
        Assert.All(complete, s => Assert.InRange(s.MemUtil, 0.1, 100));
        Assert.Equal(0, anomalyMetrics.DeadLetteredTotal()); // real values pass validation
        Assert.True(ingestMetrics.RecordsOut(_topics.Telemetry).Value >= 3);
    }
}
