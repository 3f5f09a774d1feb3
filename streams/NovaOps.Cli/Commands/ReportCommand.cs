using System.CommandLine;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops report --run DIR [--out DIR]</c>: a PNG and an HTML page of a recorded demo run.</summary>
public static class ReportCommand
{
    public static Command Create(IAnsiConsole console)
    {
        var run = new Option<string>("--run") { Description = "A demo run folder (novaops demo --run-dir)", Required = true };
        var output = new Option<string?>("--out") { Description = "Where to write report.png and report.html (default: the run folder)" };
        var cmd = new Command("report", "Render a demo run: telemetry of the VMs the faults hit, anomaly scores, incident alarms, actions and recovery on one time axis (PNG + HTML)") { run, output };
        cmd.SetAction(parse =>
        {
            string dir = parse.GetValue(run)!;
            if (!Directory.Exists(dir)) throw new CliException($"no run folder {dir}: record one with `novaops demo --run-dir {dir}`");
            var result = Report.RunReport.Render(dir, parse.GetValue(output) ?? dir);
            console.MarkupLineInterpolated($"{result.Faults} faults → [bold]{result.Png}[/], [bold]{result.Html}[/]");
            return 0;
        });
        return cmd;
    }
}
