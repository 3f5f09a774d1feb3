using System.CommandLine;
using NovaOps.Evaluation.Rca;
using NovaOps.Rca;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops eval rca</c>: AC@1, AC@3 and Avg@5 of each root-cause method on a labelled dataset (PetShop layout).</summary>
public static class EvalRcaCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var dataset = new Option<DirectoryInfo>("--dataset") { Description = "Dataset folder in the PetShop layout (graph.csv, noissue/, train/issue_N, test/issue_N)", Required = true };
        var method = new Option<string>("--method") { Description = "nsigma, pagerank, timing, combined or all", DefaultValueFactory = _ => "all" };
        var json = CommonOptions.Json("one object per method and split");
        var cmd = new Command("rca", "Rank root causes of labelled incidents and score each method (AC@1, AC@3, Avg@5; train and test apart)") { dataset, method, json };
        cmd.SetAction(parse =>
        {
            var analyzer = new RootCauseAnalyzer(settings.Rca.Analysis);
            string chosen = parse.GetValue(method)!;
            IReadOnlyList<string> methods = chosen.Equals("all", StringComparison.OrdinalIgnoreCase) ? [.. analyzer.Methods] : [chosen];
            foreach (var m in methods)
                if (!analyzer.Methods.Contains(m, StringComparer.OrdinalIgnoreCase))
                    throw new CliException($"unknown --method '{m}' (known: {string.Join(", ", analyzer.Methods)}, all)");
            IReadOnlyList<LabelledCase> cases;
            try { cases = PetShopDataset.Load(parse.GetValue(dataset)!.FullName); }
            catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or KeyNotFoundException)
            {
                throw new CliException($"cannot read the dataset: {e.Message}");
            }
            IReadOnlyList<RcaScore> scores = [];
            console.Progress().AutoClear(true).Start(ctx =>
            {
                var task = ctx.AddTask($"ranking {cases.Count} cases × {methods.Count} methods");
                scores = RcaEvaluation.Evaluate(cases, analyzer, methods, new Progress<double>(v => task.Value = v * 100));
            });
            var table = new Table().Title($"root-cause ranking: {parse.GetValue(dataset)!.Name}").AddColumns("method", "split", "cases", "AC@1", "AC@3", "Avg@5");
            foreach (var s in scores) table.AddRow(s.Method, s.Split, $"{s.Cases}", $"{s.Ac1:F3}", $"{s.Ac3:F3}", $"{s.Avg5:F3}");
            console.Write(table);
            JsonOutput.Write(parse.GetValue(json), scores);
            return 0;
        });
        return cmd;
    }
}
