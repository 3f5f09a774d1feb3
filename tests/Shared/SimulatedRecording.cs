using NovaOps.Contracts;
using NovaOps.Simulator;
using NovaOps.Simulator.Faults;
using NovaOps.Simulator.Fleet;

namespace NovaOps.Tests.Shared;

/// <summary>What a simulated fleet publishes on the telemetry and fault-labels topics, in publishing order (as <c>novaops simulate</c> does).</summary>
public static class SimulatedRecording
{
    public static (List<TelemetrySample> Samples, List<FaultLabel> Labels) Publish(SimulatorOptions options, long ticks)
    {
        var fleet = new FleetLayout(options);
        var generator = new TelemetryGenerator(fleet, FaultPlan.Generate(fleet, ticks));
        var samples = new List<TelemetrySample>();
        var labels = new List<FaultLabel>();
        for (long tick = 0; tick < ticks; tick++)
        {
            labels.AddRange(generator.Advance(tick).Select(f => FaultPlan.ToLabel(f, fleet, generator.TickToMs)));
            for (int vm = 0; vm < fleet.VmCount; vm++) samples.Add(generator.Sample(vm));
        }
        return (samples, labels);
    }

    /// <summary>Writes them as a recording folder (<c>novaops record</c>'s files).</summary>
    public static void Write(string directory, SimulatorOptions options, long ticks) => Write([directory], options, ticks);

    /// <summary>Writes them as consecutive recordings (as if recorded one a day), an equal stretch of time each.</summary>
    public static void Write(IReadOnlyList<string> directories, SimulatorOptions options, long ticks)
    {
        var (samples, labels) = Publish(options, ticks);
        long start = samples[0].TimestampMs, span = samples[^1].TimestampMs - start + 1;
        int Part(long ms) => (int)((ms - start) * directories.Count / span);
        for (int i = 0; i < directories.Count; i++)
        {
            JsonLines.Write(System.IO.Path.Combine(directories[i], RecordingFiles.Telemetry + ".gz"), samples.Where(s => Part(s.TimestampMs) == i));
            JsonLines.Write(System.IO.Path.Combine(directories[i], RecordingFiles.Faults), labels.Where(l => Math.Clamp(Part(l.PrecursorStartMs), 0, directories.Count - 1) == i));
        }
    }
}
