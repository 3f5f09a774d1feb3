using System.Net;
using System.Text;
using System.Text.Json;
using NovaOps.Cli.Demo;
using NovaOps.Contracts;
using ScottPlot;

namespace NovaOps.Cli.Report;

/// <summary>
/// A picture of a demo run (<see cref="RunRecord"/>): per fault, the telemetry of the VM it hit, the anomaly scores and
/// incident alarms on it, the actions on it or its host, and the fault from precursor to its end (ended by an action,
/// or at its planned end), all on one time axis (simulated minutes from the run's start); as a PNG and an HTML page
/// with the run's summary and a table of the faults.
/// </summary>
public static class RunReport
{
    public sealed record Output(string Png, string Html, int Faults);

    public static Output Render(string runDirectory, string outDirectory, int maxFaults = 8)
    {
        var faults = RunRecord.Read<FaultLabel>(runDirectory, RunRecord.Faults).OrderBy(f => f.OnsetMs).Take(maxFaults).ToList();
        var telemetry = RunRecord.Read<TelemetrySample>(runDirectory, RunRecord.Telemetry);
        var anomalies = RunRecord.Read<AnomalyEvent>(runDirectory, RunRecord.Anomalies);
        var predictions = RunRecord.Read<PredictionEvent>(runDirectory, RunRecord.Predictions);
        var actions = RunRecord.Read<ActionRecord>(runDirectory, RunRecord.Actions);
        if (faults.Count == 0) throw new InvalidDataException($"{Path.Combine(runDirectory, RunRecord.Faults)} holds no fault: nothing to show");
        long t0 = telemetry.Count > 0 ? telemetry.Min(s => s.TimestampMs) : faults.Min(f => f.PrecursorStartMs);
        double Minutes(long ms) => (ms - t0) / 60_000.0;

        Directory.CreateDirectory(outDirectory);
        var multiplot = new Multiplot();
        multiplot.AddPlots(faults.Count);
        for (int i = 0; i < faults.Count; i++)
        {
            var f = faults[i];
            var plot = multiplot.GetPlot(i);
            string vm = f.Scope == FaultScope.Vm ? f.RootCause : f.AffectedVms.FirstOrDefault() ?? f.RootCause;
            var samples = telemetry.Where(s => s.VmId == vm).ToList();
            long end = f.ResolvedMs > 0 ? f.ResolvedMs : f.EndMs;
            var span = plot.Add.HorizontalSpan(Minutes(f.OnsetMs), Minutes(end));
            span.FillStyle.Color = (f.ResolvedMs > 0 ? Colors.Green : Colors.Red).WithAlpha(0.12);
            span.LineStyle.Width = 0;
            span.LegendText = f.ResolvedMs > 0 ? "fault (ended by an action)" : "fault (to its planned end)";
            if (f.PrecursorStartMs < f.OnsetMs)
            {
                var precursor = plot.Add.VerticalLine(Minutes(f.PrecursorStartMs), 1, Colors.Orange);
                precursor.LinePattern = LinePattern.Dotted;
                precursor.LegendText = "precursor";
            }
            foreach (var (name, pick, color) in new (string, Func<TelemetrySample, double?>, Color)[]
            {
                ("cpu %", s => s.HasCpuUtil ? s.CpuUtil : null, Colors.Blue),
                ("memory %", s => s.HasMemUtil ? s.MemUtil : null, Colors.Purple),
                ("disk %", s => s.HasDiskUtil ? s.DiskUtil : null, Colors.Brown),
                ("errors ×100", s => s.HasErrorRate ? s.ErrorRate * 100 : null, Colors.Gray),
            })
            {
                var points = samples.Select(s => (X: Minutes(s.TimestampMs), Y: pick(s))).Where(p => p.Y is not null).ToList();
                if (points.Count == 0) continue;
                var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y!.Value).ToArray(), color);
                line.MarkerSize = 0;
                line.LegendText = name;
            }
            Markers(plot, [.. anomalies.Where(a => a.VmId == vm).Select(a => (Minutes(a.WindowEndMs), a.Score * 100))],
                Colors.Red, MarkerShape.FilledCircle, "anomaly score ×100");
            Markers(plot, [.. predictions.Where(p => p.VmId == vm && p.Alarm).Select(p => (Minutes(p.WindowEndMs), p.Probability * 100))],
                Colors.DarkOrange, MarkerShape.FilledTriangleUp, "incident alarm (probability ×100)");
            foreach (var a in actions.Where(a => a.Outcome == ActionOutcome.Executed && (a.Target == vm || a.Target == f.RootCause || a.Target == f.Host)))
            {
                var line = plot.Add.VerticalLine(Minutes(a.AtMs), 2, Colors.DarkGreen);
                line.Text = a.Kind.ToString();
                line.LabelFontSize = 10;
            }
            plot.Title($"{f.FaultId}: {f.Kind} on {f.RootCause} (VM {vm})", size: 13);
            plot.YLabel("%");
            plot.Axes.SetLimitsY(0, 105);
            plot.ShowLegend(Alignment.UpperLeft);
            if (i == faults.Count - 1) plot.XLabel("simulated minutes from the start of the run");
        }
        // One time axis for every fault: the same x range on every panel.
        double xMax = Math.Max(1, Minutes(Math.Max(telemetry.Count > 0 ? telemetry.Max(s => s.TimestampMs) : 0, faults.Max(f => f.EndMs))));
        for (int i = 0; i < faults.Count; i++) multiplot.GetPlot(i).Axes.SetLimitsX(0, xMax);

        string png = Path.Combine(outDirectory, "report.png");
        multiplot.SavePng(png, 1400, 330 * faults.Count);
        string html = Path.Combine(outDirectory, "report.html");
        File.WriteAllText(html, Html(runDirectory, faults, actions, anomalies, Path.GetFileName(png), Minutes));
        return new Output(png, html, faults.Count);
    }

    private static void Markers(Plot plot, List<(double X, double Y)> points, Color color, MarkerShape shape, string legend)
    {
        if (points.Count == 0) return;
        var marks = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), color);
        marks.LineWidth = 0;
        marks.MarkerSize = 7;
        marks.MarkerShape = shape;
        marks.LegendText = legend;
    }

    private static string Html(string runDirectory, List<FaultLabel> faults, List<ActionRecord> actions, List<AnomalyEvent> anomalies, string png, Func<long, double> minutes)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>NovaOps demo run</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}")
          .Append("th{background:#f3f3f3}img{max-width:100%}</style></head><body><h1>NovaOps demo run</h1>");
        string summaryPath = Path.Combine(runDirectory, RunRecord.Summary);
        if (File.Exists(summaryPath))
        {
            sb.Append("<h2>Summary</h2><table>");
            foreach (var p in JsonDocument.Parse(File.ReadAllText(summaryPath)).RootElement.EnumerateObject())
                sb.Append($"<tr><th>{E(p.Name)}</th><td>{E(p.Value.ToString())}</td></tr>");
            sb.Append("</table>");
        }
        sb.Append("<h2>Faults</h2><table><tr><th>fault</th><th>kind</th><th>root cause</th><th>onset (min)</th><th>first anomaly</th><th>first action</th><th>ended</th></tr>");
        foreach (var f in faults)
        {
            var hit = f.AffectedVms.ToHashSet();
            var first = anomalies.Where(a => hit.Contains(a.VmId) && a.WindowEndMs >= f.PrecursorStartMs).Select(a => (long?)a.WindowEndMs).Min();
            var act = actions.Where(a => a.Outcome == ActionOutcome.Executed && (hit.Contains(a.Target) || a.Target == f.RootCause || a.Target == f.Host) && a.AtMs >= f.PrecursorStartMs)
                .OrderBy(a => a.AtMs).FirstOrDefault();
            sb.Append($"<tr><td>{E(f.FaultId)}</td><td>{f.Kind}</td><td>{E(f.RootCause)}</td><td>{minutes(f.OnsetMs):0.0}</td>")
              .Append($"<td>{(first is { } t ? $"{(t - f.OnsetMs) / 1000:+0;-0} s" : "—")}</td>")
              .Append($"<td>{(act is null ? "—" : $"{E(act.Kind.ToString())} {(act.AtMs - f.OnsetMs) / 1000:+0;-0} s")}</td>")
              .Append($"<td>{(f.ResolvedMs > 0 ? $"by {E(f.ResolvedBy)} at {(f.ResolvedMs - f.OnsetMs) / 1000:+0} s" : "at its planned end")}</td></tr>");
        }
        sb.Append($"</table><h2>On one time axis</h2><img src=\"{E(png)}\" alt=\"telemetry, anomalies, alarms and actions per fault\"></body></html>\n");
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
