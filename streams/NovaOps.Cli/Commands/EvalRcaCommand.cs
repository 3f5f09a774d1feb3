using System.CommandLine;
using NovaOps.Evaluation.Rca;
using NovaOps.Rca;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary>
/// <c>novaops eval rca</c>: AC@1, AC@3, AC@5 and Avg@5 of each root-cause method on a labelled dataset, in the PetShop
/// layout (train and test apart) or the Nezha layout (a split per day folder, one over all of them, and per fault type).
/// </summary>
public static class EvalRcaCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var dataset = new Option<DirectoryInfo>("--dataset")
        {
            Description = "Dataset folder: PetShop layout (graph.csv, noissue/, train|test/issue_N) or Nezha layout (day folders with <day>-fault_list.json and metric/)",
            Required = true,
        };
        var method = new Option<string>("--method") { Description = "a method's name or all", DefaultValueFactory = _ => "all" };
        var noGraph = new Option<bool>("--no-graph") { Description = "Rank as if the application came without a call graph (the dataset's graph is not read)" };
        var json = CommonOptions.Json("one object per method and split");
        var cmd = new Command("rca", "Rank root causes of labelled incidents and score each method (AC@1, AC@3, AC@5, Avg@5; per split, per fault type)") { dataset, method, noGraph, json };
        cmd.SetAction(parse =>
        {
            var analyzer = new RootCauseAnalyzer(settings.Rca.Analysis);
            string chosen = parse.GetValue(method)!;
            IReadOnlyList<string> methods = chosen.Equals("all", StringComparison.OrdinalIgnoreCase) ? [.. analyzer.Methods] : [chosen];
            foreach (var m in methods)
                if (!analyzer.Methods.Contains(m, StringComparer.OrdinalIgnoreCase))
                    throw new CliException($"unknown --method '{m}' (known: {string.Join(", ", analyzer.Methods)}, all)");
            var dir = parse.GetValue(dataset)!;
            bool nezha = NezhaDataset.Recognises(dir.FullName);
            var cases = Load(dir, nezha, parse.GetValue(noGraph));
            IReadOnlyList<RcaScore> scores = [];
            console.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask($"ranking {cases.Count} cases × {methods.Count} methods");
                scores = RcaEvaluation.Evaluate(cases, analyzer, methods, new Progress<double>(v => task.Value = v * 100), overAll: nezha);
            });
            string graph = parse.GetValue(noGraph) ? ", no call graph" : "";
            var table = new Table().Title($"root-cause ranking: {dir.Name}{graph}").AddColumns("method", "split", "cases", "AC@1", "AC@3", "AC@5", "Avg@5");
            foreach (var s in scores)
                table.AddRow(s.Default ? $"{s.Method} (default)" : s.Method, s.Split, $"{s.Cases}", $"{s.Ac1:F3}", $"{s.Ac3:F3}", $"{s.Ac5:F3}", $"{s.Avg5:F3}");
            console.Write(table);
            var byType = scores.Where(s => s.ByType is not null && (s.Split == RcaEvaluation.All || !nezha)).ToList();
            if (byType.Count > 0)
            {
                var types = new Table().Title("AC@1 / AC@3 by fault type").AddColumn("method");
                var kinds = byType.SelectMany(s => s.ByType!.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
                foreach (var k in kinds) types.AddColumn(new TableColumn(k).RightAligned());
                foreach (var s in byType)
                    types.AddRow([s.Method, .. kinds.Select(k => s.ByType!.TryGetValue(k, out var t) ? $"{t.Ac1:F2}/{t.Ac3:F2}" : "-")]);
                console.Write(types);
            }
            JsonOutput.Write(parse.GetValue(json), scores);
            return 0;
        });
        return cmd;
    }

    private static IReadOnlyList<LabelledCase> Load(DirectoryInfo dir, bool nezha, bool noGraph)
    {
        try
        {
            if (nezha) return NezhaDataset.Load(dir.FullName, new NezhaReadOptions { UseGraph = !noGraph });
            var cases = PetShopDataset.Load(dir.FullName);
            return noGraph ? [.. cases.Select(c => c with { Case = c.Case with { Graph = c.Case.Graph.WithoutCalls() } })] : cases;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            throw new CliException($"cannot read the dataset: {e.Message}");
        }
    }
}
