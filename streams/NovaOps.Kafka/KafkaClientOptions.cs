using Confluent.Kafka;

namespace NovaOps.Kafka;

/// <summary>
/// Where a NovaOps Kafka client connects and how it authenticates: one record for every producer, consumer, admin
/// client and stream app of a process, so that a region whose Kafka requires TLS or SASL is configured once
/// (<c>Kafka:Security:*</c>, e.g. <c>NOVAOPS__KAFKA__SECURITY__PROTOCOL=SaslSsl</c>). A bare bootstrap string converts to
/// it (plaintext, as the embedded broker speaks).
/// </summary>
public sealed record KafkaClientOptions
{
    public required string BootstrapServers { get; init; }

    public KafkaSecurityOptions Security { get; init; } = new();

    /// <summary>
    /// The longest a broker holds a consumer's fetch that has nothing to return (librdkafka's <c>fetch.wait.max.ms</c>,
    /// 500 ms when unset). A simulation that steps its clock on the apps' progress sets it low: the embedded broker does
    /// not answer a waiting fetch when data arrives, so every hop of the pipeline would cost the whole wait.
    /// </summary>
    public int? FetchWaitMaxMs { get; init; }

    public static implicit operator KafkaClientOptions(string bootstrapServers) => new() { BootstrapServers = bootstrapServers };

    /// <summary>Sets the bootstrap servers and the security settings on a client configuration; returns it.</summary>
    public T Apply<T>(T config) where T : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;
        Security.Validate();
        var s = Security;
        if (s.Protocol is { } protocol) config.SecurityProtocol = protocol;
        if (s.SaslMechanism is { } mechanism) config.SaslMechanism = mechanism;
        if (s.SaslUsername is { Length: > 0 } user) config.SaslUsername = user;
        if (s.SaslPassword is { Length: > 0 } password) config.SaslPassword = password;
        if (s.SslCaLocation is { Length: > 0 } ca) config.SslCaLocation = ca;
        if (s.SslCertificateLocation is { Length: > 0 } cert) config.SslCertificateLocation = cert;
        if (s.SslKeyLocation is { Length: > 0 } key) config.SslKeyLocation = key;
        if (s.SslKeyPassword is { Length: > 0 } keyPassword) config.SslKeyPassword = keyPassword;
        if (FetchWaitMaxMs is { } wait && config is ConsumerConfig consumer) consumer.FetchWaitMaxMs = wait;
        return config;
    }

    /// <summary>The servers, for messages (never the credentials).</summary>
    public override string ToString() => BootstrapServers;
}

/// <summary>TLS and SASL of the cluster (librdkafka's settings of the same names); unset: plaintext, no authentication.</summary>
public sealed record KafkaSecurityOptions
{
    /// <summary><c>Plaintext</c>, <c>Ssl</c>, <c>SaslPlaintext</c> or <c>SaslSsl</c> (null: librdkafka's default, plaintext).</summary>
    public SecurityProtocol? Protocol { get; init; }

    /// <summary><c>Plain</c>, <c>ScramSha256</c>, <c>ScramSha512</c>, <c>Gssapi</c> or <c>OAuthBearer</c>.</summary>
    public SaslMechanism? SaslMechanism { get; init; }

    public string? SaslUsername { get; init; }

    /// <summary>Kept out of logs and messages; set it from a secret store through the environment (<c>NOVAOPS__KAFKA__SECURITY__SASLPASSWORD</c>).</summary>
    public string? SaslPassword { get; init; }

    /// <summary>CA certificate(s) to verify the brokers with (PEM file); null: the system's.</summary>
    public string? SslCaLocation { get; init; }

    /// <summary>Client certificate and key for mutual TLS (PEM files).</summary>
    public string? SslCertificateLocation { get; init; }

    public string? SslKeyLocation { get; init; }

    public string? SslKeyPassword { get; init; }

    /// <summary>Settings that cannot work together fail at start, with what to set, rather than as a broker's refusal later.</summary>
    public void Validate()
    {
        bool sasl = Protocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl;
        bool tls = Protocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl;
        if (SaslMechanism is not null && !sasl)
            throw new ArgumentException($"Kafka:Security:SaslMechanism is set but Kafka:Security:Protocol is {Protocol?.ToString() ?? "unset"}: use SaslSsl (or SaslPlaintext)");
        if (sasl && SaslMechanism is Confluent.Kafka.SaslMechanism.Plain or Confluent.Kafka.SaslMechanism.ScramSha256 or Confluent.Kafka.SaslMechanism.ScramSha512
            && (string.IsNullOrEmpty(SaslUsername) || string.IsNullOrEmpty(SaslPassword)))
            throw new ArgumentException($"SASL {SaslMechanism} needs Kafka:Security:SaslUsername and Kafka:Security:SaslPassword");
        if (!tls && (SslCaLocation ?? SslCertificateLocation ?? SslKeyLocation) is not null)
            throw new ArgumentException($"Kafka:Security:Ssl* files are set but Kafka:Security:Protocol is {Protocol?.ToString() ?? "unset"}: use Ssl or SaslSsl");
        foreach (var file in new[] { SslCaLocation, SslCertificateLocation, SslKeyLocation })
            if (file is { Length: > 0 } && !File.Exists(file)) throw new FileNotFoundException($"Kafka TLS file {file} not found", file);
    }
}
