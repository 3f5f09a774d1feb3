using System.Net.Sockets;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Observability;
using Testcontainers.Kafka;

namespace NovaOps.Streams.Tests;

/// <summary>
/// The same scenario against a real Apache Kafka broker in Docker (Testcontainers). Machines without
/// a Docker engine report it as skipped, with the reason.
/// </summary>
public class KafkaContainerTests
{
    private static string? DockerUnavailableReason()
    {
        string socket = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host && host.StartsWith("unix://", StringComparison.Ordinal)
            ? host["unix://".Length..]
            : "/var/run/docker.sock";
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } h && !h.StartsWith("unix://", StringComparison.Ordinal))
            return null; // a TCP Docker host: let Testcontainers try it
        if (!File.Exists(socket)) return $"no Docker engine: {socket} does not exist";
        try
        {
            using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            s.Connect(new UnixDomainSocketEndPoint(socket));
            return null;
        }
        catch (SocketException e)
        {
            return $"no Docker engine answers on {socket}: {e.Message}";
        }
    }

    [Fact]
    public async Task Anomaly_topology_on_a_real_kafka_broker()
    {
        string? reason = DockerUnavailableReason();
        Assert.SkipWhen(reason is not null, $"Testcontainers.Kafka needs Docker: {reason}");

        await using var kafka = new KafkaBuilder("confluentinc/cp-kafka:7.6.1").Build();
        await kafka.StartAsync(TestContext.Current.CancellationToken);
        string bootstrap = kafka.GetBootstrapAddress();
        await using var s = new KafkaScenario(bootstrap, new AdminTopicProvisioner(bootstrap));
        await s.ProvisionAsync();
        var metrics = new PipelineMetrics("anomaly");
        await using var app = await s.StartAppAsync(metrics);
        s.Produce(Telemetry.Steady(vms: 2, 0, 14, spikeVm: "vm-1", spikeWindow: 12));
        var anomalies = s.Read(s.Topics.Anomalies, AnomalyEvent.Parser.ParseFrom, l => l.Any(a => a.VmId == "vm-1"), TimeSpan.FromSeconds(90));
        Assert.Contains(anomalies, a => a.VmId == "vm-1" && a.WindowStartMs == Telemetry.Start + 12 * 60_000L);
    }
}
