using NovaOps.Chaos.Campaign;
using NovaOps.Chaos.Fuzzing;
using NovaOps.Contracts;

namespace NovaOps.Chaos.Tests;

/// <summary>The campaign's poison records: every input topic gets some, and its decoder refuses them with a reason.</summary>
public class PoisonTests
{
    private static readonly TopicNames Topics = new("eu-west");

    [Fact]
    public void Every_input_topic_gets_poison_its_decoder_refuses()
    {
        var decoders = FuzzTargets.All(Topics).ToDictionary(t => t.Topic);
        var poison = ChaosScenarios.Poison(Topics).ToList();
        foreach (var topic in decoders.Keys.Where(t => t != Topics.FaultLabels))
        {
            var refused = poison.Where(p => p.Topic == topic).Select(p => decoders[topic].Decode(p.Value)).Where(r => r is not null).ToList();
            Assert.True(refused.Count >= 3, $"{topic}: {refused.Count} poison records refused");
            Assert.All(refused, r => Assert.False(string.IsNullOrEmpty(r!.Value.Reason)));
        }
        Assert.Contains(poison, p => p.Topic == Topics.Hosts && decoders[Topics.Hosts].Decode(p.Value)?.Code == RejectReasons.OutOfRange);
        Assert.Contains(poison, p => p.Topic == Topics.Telemetry && decoders[Topics.Telemetry].Decode(p.Value)?.Code == RejectReasons.UnknownSchemaVersion);
    }
}
