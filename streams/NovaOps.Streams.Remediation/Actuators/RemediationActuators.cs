using NovaOps.Contracts;
using NovaOps.Remediation;
using NovaOps.Remediation.Actuators;
using NovaOps.Kafka;

namespace NovaOps.Streams.Remediation.Actuators;

/// <summary>The actuator the options name, as the services and the demo build it.</summary>
public static class RemediationActuators
{
    /// <summary>
    /// <see cref="RemediationOptions.Actuator"/> (simulator or webhook), with drains and zone evacuations through the
    /// failover planner unless <see cref="RemediationOptions.Evacuation"/> is <c>actuator</c>. Dispose it with the app.
    /// </summary>
    /// <exception cref="ArgumentException">An actuator or evacuation mode that does not exist.</exception>
    public static IActuator Create(RemediationOptions options, KafkaClientOptions kafka, TopicNames topics)
    {
        if (options.Evacuation is not ("planner" or "actuator"))
            throw new ArgumentException($"Remediation:Evacuation '{options.Evacuation}' is neither 'planner' nor 'actuator'");
        IActuator actuator = options.Actuator switch
        {
            "simulator" => new SimulatorActuator(kafka, topics),
            "webhook" => new WebhookActuator(options.Webhook),
            _ => throw new ArgumentException($"Remediation:Actuator '{options.Actuator}' is neither 'simulator' nor 'webhook'"),
        };
        return options.Evacuation == "planner" ? new PlannedEvacuationActuator(kafka, topics, actuator) : actuator;
    }
}
