using System.Diagnostics;
using System.Text.Json.Serialization;

namespace NovaOps.Chaos.Fuzzing;

/// <summary>What one topic's decoder made of its mutated records.</summary>
public sealed record FuzzResult(
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("consumers")] string Consumers,
    [property: JsonPropertyName("records")] long Records,
    [property: JsonPropertyName("accepted")] long Accepted,
    [property: JsonPropertyName("dead_lettered")] long DeadLettered,
    [property: JsonPropertyName("escaped")] long Escaped,
    [property: JsonPropertyName("by_code")] IReadOnlyDictionary<string, long> ByCode,
    [property: JsonPropertyName("by_mutation")] IReadOnlyDictionary<string, long> ByMutation,
    [property: JsonPropertyName("first_escape")] string? FirstEscape,
    [property: JsonPropertyName("seconds")] double Seconds)
{
    /// <summary>A rejection without a code or reason counts as escaped too: it could not be dead-lettered with why.</summary>
    [JsonPropertyName("held")] public bool Held => Escaped == 0;
}

/// <summary>
/// Feeds each target <c>records</c> mutations of its valid record. A mutated record either still decodes (a flipped
/// bit inside a name is still a record: accepted) or is refused with a code and a reason (what the consumer
/// dead-letters); an exception out of the decoder, or a refusal without a reason, is counted as escaped.
/// </summary>
public static class DecoderFuzzer
{
    public static FuzzResult Run(FuzzTarget target, long records, int seed, IProgress<long>? progress = null)
    {
        var mutator = new RecordMutator(StableSeed(seed, target.Topic));
        var byCode = new Dictionary<string, long>();
        var byMutation = new Dictionary<string, long>();
        long accepted = 0, rejected = 0, escaped = 0;
        string? firstEscape = null;
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < records; i++)
        {
            var (kind, value) = mutator.Next(target.Valid);
            byMutation[kind.ToString()] = byMutation.GetValueOrDefault(kind.ToString()) + 1;
            try
            {
                switch (target.Decode(value))
                {
                    case null: accepted++; break;
                    case var (code, reason) when !string.IsNullOrEmpty(code) && !string.IsNullOrEmpty(reason):
                        rejected++;
                        byCode[code] = byCode.GetValueOrDefault(code) + 1;
                        break;
                    default:
                        escaped++;
                        firstEscape ??= $"{kind}: a refusal without a code or reason";
                        break;
                }
            }
            catch (Exception e)
            {
                escaped++;
                firstEscape ??= $"{kind}: {e.GetType().Name}: {e.Message}";
            }
            if ((i & 0x3FF) == 0) progress?.Report(i);
        }
        progress?.Report(records);
        return new FuzzResult(target.Topic, target.Consumers, records, accepted, rejected, escaped, byCode, byMutation, firstEscape, clock.Elapsed.TotalSeconds);
    }

    // Each topic its own sequence, the same in every process (string.GetHashCode and HashCode are randomised per process).
    private static int StableSeed(int seed, string topic)
    {
        uint h = 2166136261;
        foreach (char c in topic) h = (h ^ c) * 16777619;
        return (int)(h ^ (uint)seed);
    }
}
