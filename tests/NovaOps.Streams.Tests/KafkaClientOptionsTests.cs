using Confluent.Kafka;
using NovaOps.Broker;
using NovaOps.Kafka;
using NovaOps.Streams.Hosting;

namespace NovaOps.Streams.Tests;

/// <summary>The cluster's TLS/SASL settings reach every kind of client, and combinations that cannot work fail at start.</summary>
public sealed class KafkaClientOptionsTests
{
    private static readonly KafkaSecurityOptions Scram = new()
    {
        Protocol = SecurityProtocol.SaslSsl, SaslMechanism = SaslMechanism.ScramSha512, SaslUsername = "novaops-eu-west", SaslPassword = "s3cret",
    };

    [Fact]
    public void Security_settings_reach_plain_clients_and_stream_apps()
    {
        var kafka = new KafkaClientOptions { BootstrapServers = "kafka-1:9093,kafka-2:9093", Security = Scram };

        var consumer = kafka.Apply(new ConsumerConfig { GroupId = "g" });
        Assert.Equal("kafka-1:9093,kafka-2:9093", consumer.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslSsl, consumer.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, consumer.SaslMechanism);
        Assert.Equal("novaops-eu-west", consumer.SaslUsername);
        Assert.Equal("s3cret", consumer.SaslPassword);
        Assert.Equal("g", consumer.GroupId); // the client's own settings stay

        var producer = kafka.Apply(new ProducerConfig { Acks = Acks.All });
        Assert.Equal(SaslMechanism.ScramSha512, producer.SaslMechanism);
        Assert.Equal(Acks.All, producer.Acks);

        var streams = StreamConfigs.Create(kafka, "app", new StreamAppOptions(), null);
        Assert.Equal("kafka-1:9093,kafka-2:9093", streams.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslSsl, streams.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, streams.SaslMechanism);
        Assert.Equal("s3cret", streams.SaslPassword);
        // What Streamiz hands its own clients.
        Assert.Equal(SaslMechanism.ScramSha512, streams.ToConsumerConfig().SaslMechanism);
        Assert.Equal(SecurityProtocol.SaslSsl, streams.ToProducerConfig().SecurityProtocol);
        Assert.Equal("novaops-eu-west", streams.ToAdminConfig("admin").SaslUsername);
        Assert.Equal("s3cret", streams.ToRestoreConsumerConfig("restore").SaslPassword);

        Assert.DoesNotContain("s3cret", kafka.ToString()); // what messages print
    }

    [Fact]
    public void A_bare_bootstrap_string_is_plaintext_as_the_embedded_broker_speaks()
    {
        KafkaClientOptions kafka = "127.0.0.1:9092";
        var config = kafka.Apply(new AdminClientConfig());
        Assert.Equal("127.0.0.1:9092", config.BootstrapServers);
        Assert.Null(config.SecurityProtocol);
        Assert.Null(config.SaslMechanism);
    }

    [Fact]
    public void Settings_that_cannot_work_together_fail_at_start_with_what_to_set()
    {
        Assert.Contains("Protocol", Assert.Throws<ArgumentException>(() => (Scram with { Protocol = null }).Validate()).Message);
        Assert.Contains("SaslPassword", Assert.Throws<ArgumentException>(() => (Scram with { SaslPassword = null }).Validate()).Message);
        Assert.Contains("Ssl", Assert.Throws<ArgumentException>(() => new KafkaSecurityOptions { SslCaLocation = "/etc/ssl/ca.pem" }.Validate()).Message);
        Assert.Throws<FileNotFoundException>(() => new KafkaSecurityOptions { Protocol = SecurityProtocol.Ssl, SslCaLocation = "/nonexistent/ca.pem" }.Validate());
        new KafkaSecurityOptions().Validate();
        new KafkaSecurityOptions { Protocol = SecurityProtocol.Ssl }.Validate();
    }

    [Fact]
    public void A_client_told_to_authenticate_does_so_and_a_plaintext_broker_does_not_serve_it()
    {
        // The embedded broker speaks plaintext only: a client configured for SASL sends its handshake first and gets
        // no metadata, where the same client without the setting does. (A SASL cluster cannot run here: see README.)
        using var cluster = new EmbeddedKafkaCluster();
        var plain = new KafkaClientOptions { BootstrapServers = cluster.BootstrapServers };
        var sasl = plain with
        {
            Security = new() { Protocol = SecurityProtocol.SaslPlaintext, SaslMechanism = SaslMechanism.Plain, SaslUsername = "u", SaslPassword = "p" },
        };
        using (var admin = new AdminClientBuilder(plain.Apply(new AdminClientConfig())).Build())
            Assert.NotEmpty(admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers);
        using (var admin = new AdminClientBuilder(sasl.Apply(new AdminClientConfig())).Build())
            Assert.ThrowsAny<KafkaException>(() => admin.GetMetadata(TimeSpan.FromSeconds(3)));
    }
}
