namespace NovaOps.Broker;

/// <summary>A topic an app needs, with its partition count.</summary>
public sealed record TopicSpec(string Name, int Partitions, int ReplicationFactor = 1, bool Compacted = false);
