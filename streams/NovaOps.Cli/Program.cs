using NovaOps.Streams.Hosting;
using System.CommandLine;
using NovaOps.Cli;
using NovaOps.Cli.Commands;
using Spectre.Console;

var settings = NovaOpsSettings.Load();
var root = new RootCommand("NovaOps: operations intelligence for a VM fleet")
{
    DemoCommand.Create(settings),
    BrokerCommand.Create(settings),
    SimulateCommand.Create(settings),
    RecordCommand.Create(settings),
    RunCommand.Create(settings),
    FailoverCommand.Create(settings),
    QueryCommand.Create(settings),
    ReportCommand.Create(),
    DetectCommand.Create(settings),
    TrainCommand.Create(),
    new Command("eval", "Evaluate detectors on public benchmarks") { EvalNabCommand.Create(settings), EvalIncidentCommand.Create(settings), EvalRcaCommand.Create(settings) },
    new Command("bench", "Benchmarks with a baseline measured in the same run") { BenchPipelineCommand.Create(settings), BenchInferenceCommand.Create(settings), BenchPlacementCommand.Create(), BenchFailoverCommand.Create() },
};

int exitCode;
try
{
    // User errors are caught below and printed as one line; the default handler would print a stack trace.
    exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is CliException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
    or NovaOps.Models.Registry.ModelLoadException)
{
    AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
    exitCode = 2;
}

// Exit explicitly: a Kafka consumer stuck in close (librdkafka#4041, see StreamClose) would otherwise keep
// the process alive through Streamiz's foreground threads after the command has finished.
Environment.Exit(exitCode);
return exitCode;
