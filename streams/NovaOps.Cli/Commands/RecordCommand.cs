using System.CommandLine;
using NovaOps.Recording;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops record</c>: a region's telemetry and fault labels into a folder, for <c>novaops train anomaly|incident --data</c>.</summary>
public static class RecordCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var bootstrap = CommonOptions.ExistingBootstrapServers();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write telemetry.jsonl.gz, faults.jsonl and recording.json (where and when) into", Required = true };
        var idle = new Option<double>("--idle") { Description = "Stop once the topics are read to their end and nothing came for this many seconds", DefaultValueFactory = _ => 10 };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds whatever comes" };
        var maxSamples = new Option<long?>("--max-samples") { Description = "Stop after this many telemetry samples" };
        var fromNow = new Option<bool>("--from-now") { Description = "Record what arrives from now on (default: from the oldest record the topics hold)" };
        var cmd = new Command("record", "Record a region's telemetry and fault labels from Kafka into a folder (the data of `train anomaly|incident --data`)")
            { bootstrap, output, idle, duration, maxSamples, fromNow };
        cmd.SetAction((parse, ct) =>
        {
            var kafka = CommonOptions.RequiredKafka(parse.GetValue(bootstrap), settings);
            var options = new RecorderOptions
            {
                Idle = TimeSpan.FromSeconds(parse.GetValue(idle)),
                Duration = parse.GetValue(duration) is { } s ? TimeSpan.FromSeconds(s) : null,
                MaxSamples = parse.GetValue(maxSamples),
                FromBeginning = !parse.GetValue(fromNow),
            };
            var recorder = new TopicRecorder(kafka, settings.Kafka.Topics, options);
            string folder = parse.GetValue(output)!.FullName;
            RecordingSummary summary;
            try
            {
                summary = console.Status().Start($"recording {settings.Kafka.Topics.Telemetry} and {settings.Kafka.Topics.FaultLabels}", ctx =>
                {
                    var run = Task.Factory.StartNew(() => recorder.Record(folder, ct), TaskCreationOptions.LongRunning);
                    while (Task.WaitAny([run], 500) < 0) // WaitAny, unlike Wait, leaves a failure to GetResult: unwrapped
                    {
                        var p = recorder.Progress;
                        ctx.Status($"recording: {p.Samples:N0} samples, {p.Faults:N0} fault labels, {p.RejectedTotal:N0} left out");
                    }
                    return run.GetAwaiter().GetResult();
                });
            }
            catch (Exception e) when (e is IOException or ArgumentException)
            {
                throw new CliException(e.Message);
            }

            var table = new Table().Title($"recorded into {folder}").AddColumns("", "");
            table.AddRow("telemetry samples", $"{summary.Samples:N0} ({Path.GetFileName(summary.TelemetryFile)}, {new FileInfo(summary.TelemetryFile).Length / 1e6:N1} MB)");
            table.AddRow("fault labels", $"{summary.Faults:N0} ({Path.GetFileName(summary.FaultsFile)})");
            table.AddRow("left out (would be dead-lettered)", summary.Rejected.Count == 0 ? "0" : string.Join(", ", summary.Rejected.Select(kv => $"{kv.Key} {kv.Value:N0}")));
            table.AddRow("time", $"{summary.Elapsed.TotalSeconds:N0} s, stopped: {summary.StoppedBecause}");
            console.Write(table);
            Console.WriteLine($"RECORDED={summary.Samples}");
            if (summary.Samples == 0) console.MarkupLine("[yellow]no telemetry recorded:[/] is anything publishing to the topic?");
            return Task.FromResult(summary.Samples > 0 ? 0 : 1);
        });
        return cmd;
    }
}
