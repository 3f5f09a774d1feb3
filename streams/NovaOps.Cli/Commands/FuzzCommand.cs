using System.CommandLine;
using System.Text.Json.Serialization;
using NovaOps.Chaos.Fuzzing;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops fuzz</c>: mutated records against every input topic's decoder; none may escape.</summary>
public static class FuzzCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var records = new Option<long>("--records") { Description = "Mutated records per topic", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the mutations (the same seed, the same records)", DefaultValueFactory = _ => 1 };
        var json = CommonOptions.Json("the results");
        var cmd = new Command("fuzz", "Feed each input topic's decoder mutated records (bit flips, truncation, random bytes, huge lengths, splices, oversize): each must be accepted or refused with a reason") { records, seed, json };
        cmd.SetAction(parse =>
        {
            long n = parse.GetValue(records);
            if (n < 1) throw new CliException("--records must be positive");
            var targets = FuzzTargets.All(settings.Kafka.Topics);
            var results = new List<FuzzResult>();
            console.Progress().Start(ctx =>
            {
                foreach (var target in targets)
                {
                    var task = ctx.AddTask(target.Topic, maxValue: n);
                    results.Add(DecoderFuzzer.Run(target, n, parse.GetValue(seed), new Progress<long>(i => task.Value = i)));
                    task.Value = n;
                }
            });
            var table = new Table().Title($"fuzz: {n:N0} mutated records per topic (seed {parse.GetValue(seed)})")
                .AddColumns("topic", "accepted", "dead-lettered", "escaped", "s");
            foreach (var r in results)
                table.AddRow(Markup.Escape(r.Topic), $"{r.Accepted:N0}", $"{r.DeadLettered:N0}", r.Held ? "0" : $"[red]{r.Escaped:N0}[/]", $"{r.Seconds:F1}");
            console.Write(table);
            foreach (var r in results.Where(r => !r.Held)) console.MarkupLineInterpolated($"[red]{r.Topic}[/]: {r.FirstEscape}");
            JsonOutput.Write(parse.GetValue(json), new FuzzReport(n, parse.GetValue(seed), results, results.Sum(r => r.Escaped)));
            return results.All(r => r.Held) ? 0 : 1;
        });
        return cmd;
    }

    private sealed record FuzzReport(
        [property: JsonPropertyName("records_per_topic")] long RecordsPerTopic,
        [property: JsonPropertyName("seed")] int Seed,
        [property: JsonPropertyName("topics")] IReadOnlyList<FuzzResult> Topics,
        [property: JsonPropertyName("escaped")] long Escaped);
}
