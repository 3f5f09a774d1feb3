using NovaOps.Streams.Hosting;
using System.CommandLine;
using NovaOps.Cli;
using NovaOps.Cli.Commands;
using Spectre.Console;

var settings = NovaOpsSettings.Load();
// One console per invocation, handed to each command: the static AnsiConsole is process-wide, and commands that
// tests run side by side in one process must not share its interactive lock.
var console = AnsiConsole.Create(new AnsiConsoleSettings());
var root = new RootCommand("NovaOps: operations intelligence for a VM fleet")
{
    DemoCommand.Create(settings, console),
    BrokerCommand.Create(settings, console),
    SimulateCommand.Create(settings, console),
    RecordCommand.Create(settings, console),
    RunCommand.Create(settings, console),
    FailoverCommand.Create(settings, console),
    QueryCommand.Create(settings, console),
    ReportCommand.Create(console),
    DetectCommand.Create(settings, console),
    TrainCommand.Create(),
    FuzzCommand.Create(settings, console),
    ChaosCommand.Create(settings, console),
    new Command("eval", "Evaluate detectors on public benchmarks") { EvalNabCommand.Create(settings, console), EvalServersCommand.Create(settings, console), EvalIncidentCommand.Create(settings, console), EvalRcaCommand.Create(settings, console), EvalLoopCommand.Create(settings, console) },
    TuneCommand.Create(settings, console),
    new Command("bench", "Benchmarks with a baseline measured in the same run") { BenchPipelineCommand.Create(settings, console), BenchInferenceCommand.Create(settings, console), BenchPlacementCommand.Create(console), BenchFailoverCommand.Create(console), BenchScaleCommand.Create(settings, console) },
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
    console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
    exitCode = 2;
}

// Exit explicitly: a Kafka consumer stuck in close (librdkafka#4041, see StreamClose) would otherwise keep
// the process alive through Streamiz's foreground threads after the command has finished.
Environment.Exit(exitCode);
return exitCode;
