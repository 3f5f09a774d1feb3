namespace NovaOps.Broker;

/// <summary>
/// Makes sure topics exist before an app starts. Apps never rely on auto-creation: a topic
/// created with the default partition count cannot be fixed later without a migration.
/// </summary>
public interface ITopicProvisioner
{
    Task EnsureTopicsAsync(IEnumerable<TopicSpec> topics, CancellationToken cancellationToken = default);
}
