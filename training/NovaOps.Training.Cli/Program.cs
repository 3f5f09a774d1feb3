using System.CommandLine;
using NovaOps.Training.Cli;
using Spectre.Console;

var root = new RootCommand("novaops-train: train NovaOps models with TorchSharp and write them (ONNX + card) to models/")
{
    TrainCommands.Anomaly(args),
    TrainCommands.Incident(args),
    TrainCommands.Series(args),
};
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
{
    // Bad data or options (an empty split, no incidents in a window of time, a missing or malformed CSV): one line,
    // not a stack trace.
    AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
    return 2;
}
