using System.CommandLine;
using NovaOps.Cli.Bench;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops bench inference</c>: the anomaly model standalone vs inside the topology.</summary>
internal static class BenchInferenceCommand
{
    public static Command Create(NovaOpsSettings settings)
    {
        var records = new Option<long>("--records") { Description = "Telemetry records the topology processes (one window per VM per minute is scored)", DefaultValueFactory = _ => 600_000 };
        var bootstrap = CommonOptions.BootstrapServers();
        var json = CommonOptions.Json("the figures");
        var cmd = new Command("inference", "Rows/s of the ONNX anomaly model standalone (batch 1, 64, 1024) vs scored inside the topology") { records, bootstrap, json };
        cmd.SetAction(async (parse, ct) =>
        {
            long n = parse.GetValue(records);
            if (n < 1000) throw new CliException("--records must be at least 1000");
            InferenceBenchResult result = null!;
            await AnsiConsole.Status().StartAsync("starting", async ctx =>
            {
                result = await new InferenceBenchmark(settings).RunAsync(n, CommonOptions.BootstrapServers(parse.GetValue(bootstrap), settings), s => ctx.Status(s), ct);
            });
            var table = new Table().Title($"bench inference: {result.Model}").AddColumns("measure", "rows/s");
            foreach (var (batch, rate) in result.StandaloneByBatch) table.AddRow($"standalone ONNX Runtime, batch {batch}", $"{rate:N0}");
            table.AddRow($"ONNX Runtime in the topology ({result.InTopologyWindows:N0} windows, mean batch {result.InTopologyMeanBatch:N1})", $"{result.InTopologyPerSecond:N0}");
            table.AddRow("whole scoring step in the topology (+ calibration, contributions)", $"{result.InTopologyScoringPerSecond:N0}");
            table.AddRow("ratio to the best standalone (goal ≥ 0.7)", $"{result.Ratio:F3}");
            if (result.OnnxShareOfStreamCpu is { } onnxShare && result.ScoringShareOfStreamCpu is { } scoringShare)
                table.AddRow("share of the stream threads' CPU: ONNX Runtime / whole scoring step", $"{onnxShare:P2} / {scoringShare:P2}");
            AnsiConsole.Write(table);
            JsonOutput.Write(parse.GetValue(json), result);
            return 0;
        });
        return cmd;
    }
}
