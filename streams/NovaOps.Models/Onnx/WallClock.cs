using System.Diagnostics;

namespace NovaOps.Models.Onnx;

/// <summary>The scorers' default clock for the time spent inside ONNX Runtime (a topology passes thread CPU time instead).</summary>
internal static class WallClock
{
    public static double Seconds() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
}
