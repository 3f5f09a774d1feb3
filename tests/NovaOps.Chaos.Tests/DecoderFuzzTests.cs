using NovaOps.Chaos.Fuzzing;
using Google.Protobuf;
using NovaOps.Contracts;

namespace NovaOps.Chaos.Tests;

/// <summary>Every input topic's decoder on mutated records (`novaops fuzz` runs 100,000 a topic; here fewer).</summary>
public class DecoderFuzzTests
{
    private static readonly TopicNames Topics = new("eu-west");

    public static TheoryData<string> TopicNamesRead() => [.. FuzzTargets.All(Topics).Select(t => t.Topic)];

    [Theory]
    [MemberData(nameof(TopicNamesRead))]
    public void Mutated_records_are_accepted_or_refused_with_a_reason_and_nothing_escapes(string topic)
    {
        var target = FuzzTargets.All(Topics).Single(t => t.Topic == topic);
        Assert.Null(target.Decode(target.Valid)); // the seed record is valid: mutations start from a real record
        var result = DecoderFuzzer.Run(target, 5_000, seed: 1);
        Assert.True(result.Held, result.FirstEscape);
        Assert.Equal(5_000, result.Accepted + result.DeadLettered);
        Assert.True(result.DeadLettered > 1_000, $"{result.DeadLettered} refused"); // random bytes and huge lengths are never records
        Assert.Contains(RejectReasons.Malformed, result.ByCode.Keys);
    }

    [Fact]
    public void Every_kind_of_damage_is_tried_and_an_oversize_record_is_refused_for_its_size()
    {
        var target = FuzzTargets.All(Topics).Single(t => t.Topic == Topics.Telemetry);
        var mutator = new RecordMutator(7);
        foreach (var kind in Enum.GetValues<Mutation>()) Assert.NotEqual(target.Valid, mutator.Apply(kind, target.Valid));
        var oversize = mutator.Apply(Mutation.Oversize, target.Valid);
        Assert.True(oversize.Length > RecordLimits.MaxBytes);
        Assert.Equal(RejectReasons.OutOfRange, target.Decode(oversize)?.Code);
        Assert.Equal(RejectReasons.OutOfRange, RecordDecoders.Host.Decode(mutator.Apply(Mutation.Oversize, new HostRecord { Host = "h" }.ToByteArray())).Code);
    }

    [Fact]
    public void The_same_seed_gives_the_same_campaign()
    {
        var target = FuzzTargets.All(Topics).Single(t => t.Topic == Topics.Hosts);
        var a = DecoderFuzzer.Run(target, 2_000, seed: 3);
        var b = DecoderFuzzer.Run(target, 2_000, seed: 3);
        Assert.Equal((a.Accepted, a.DeadLettered), (b.Accepted, b.DeadLettered));
        Assert.Equal(a.ByCode.OrderBy(kv => kv.Key), b.ByCode.OrderBy(kv => kv.Key));
    }
}
