namespace NovaOps.Contracts;

/// <summary>
/// Topic names of one region. Every region runs its own Kafka and its own apps; the prefix
/// (e.g. <c>eu-west</c>) keeps the names apart when regions share a cluster in tests.
/// </summary>
public sealed record TopicNames(string Prefix)
{
    public string Telemetry => Name("telemetry");
    public string Anomalies => Name("anomalies");
    public string DeadLetter => Name("dead-letter");
    public string FaultLabels => Name("fault-labels");
    public string Predictions => Name("predictions");
    public string Topology => Name("topology");
    public string RootCauses => Name("root-causes");
    public string Actions => Name("actions");
    public string Approvals => Name("approvals");
    public string FleetCommands => Name("fleet-commands");
    public string Hosts => Name("hosts");
    public string PlacementRequests => Name("placement-requests");
    public string PlacementResponses => Name("placement-responses");
    public string FailoverRequests => Name("failover-requests");
    public string FailoverPlans => Name("failover-plans");

    /// <summary>The topics the spine's apps read and write.</summary>
    public IReadOnlyList<string> All => [Telemetry, Anomalies, DeadLetter, FaultLabels, Predictions, Topology, RootCauses, Actions, Approvals, FleetCommands, Hosts, PlacementRequests, PlacementResponses, FailoverRequests, FailoverPlans];

    private string Name(string topic) => string.IsNullOrEmpty(Prefix) ? topic : $"{Prefix}.{topic}";
}
