using System.Diagnostics;
using System.Text.Json.Serialization;
using NovaOps.Placement;
using NovaOps.Placement.Baseline;
using NovaOps.Placement.Workload;

namespace NovaOps.Cli.Bench;

public sealed record PlacementBenchResult(
    [property: JsonPropertyName("hosts")] int Hosts,
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("strategy")] string Strategy,
    [property: JsonPropertyName("placed")] int Placed,
    [property: JsonPropertyName("decisions_per_s")] double DecisionsPerSecond,
    [property: JsonPropertyName("p50_us")] double P50Microseconds,
    [property: JsonPropertyName("p99_us")] double P99Microseconds,
    [property: JsonPropertyName("hosts_used")] int HostsUsed,
    [property: JsonPropertyName("lower_bound")] int LowerBound,
    [property: JsonPropertyName("ratio_to_lower_bound")] double RatioToLowerBound,
    [property: JsonPropertyName("first_fit_placed")] int FirstFitPlaced,
    [property: JsonPropertyName("first_fit_hosts_used")] int FirstFitHostsUsed,
    [property: JsonPropertyName("first_fit_ratio_to_lower_bound")] double FirstFitRatio,
    [property: JsonPropertyName("first_fit_decisions_per_s")] double FirstFitDecisionsPerSecond);

/// <summary>
/// The placement engine on a synthetic fleet (SyntheticFleet: 9 zones, racks, PCI hosts; VMs pinned to regions and
/// zones, anti-affinity groups spread over racks), one thread, every decision timed; then plain first fit on the
/// same requests. Hosts used are compared with the packing lower bound of what was placed (per resource, total
/// demand / host capacity).
/// </summary>
public static class PlacementBenchmark
{
    public static PlacementBenchResult Run(int hosts, int requests, PlacementStrategy strategy, int seed, Action<double> progress)
    {
        var fleet = SyntheticFleet.Hosts(hosts);
        var all = SyntheticFleet.Requests(requests, seed).ToArray();

        var engine = new PlacementEngine(fleet, new PlacementOptions { Strategy = strategy });
        var ticks = new long[all.Length];
        var placed = new List<VmRequest>(all.Length);
        // Warm the JIT on a throw-away engine, so the timings are of the code, not its compilation.
        var warm = new PlacementEngine(SyntheticFleet.Hosts(900), new PlacementOptions { Strategy = strategy });
        foreach (var r in SyntheticFleet.Requests(20_000, seed + 1)) warm.Place(r);

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < all.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var decision = engine.Place(all[i]);
            ticks[i] = Stopwatch.GetTimestamp() - start;
            if (decision.Placed) placed.Add(all[i]);
            if ((i & 0xFFFF) == 0) progress(0.8 * i / all.Length);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(ticks);
        double Us(double q) => ticks[Math.Min(ticks.Length - 1, (int)(q * ticks.Length))] * 1e6 / Stopwatch.Frequency;
        int lowerBound = SyntheticFleet.LowerBound(placed);

        var firstFit = new FirstFitPlacer(fleet);
        var ffPlaced = new List<VmRequest>(all.Length);
        clock.Restart();
        for (int i = 0; i < all.Length; i++)
        {
            if (firstFit.Place(all[i])) ffPlaced.Add(all[i]);
            if ((i & 0xFFFF) == 0) progress(0.8 + 0.2 * i / all.Length);
        }
        double ffSeconds = clock.Elapsed.TotalSeconds;
        progress(1);
        int ffBound = SyntheticFleet.LowerBound(ffPlaced);
        return new PlacementBenchResult(hosts, requests, strategy.ToString(), placed.Count, Math.Round(all.Length / seconds), Math.Round(Us(0.50), 2), Math.Round(Us(0.99), 2),
            engine.HostsUsed, lowerBound, Math.Round(engine.HostsUsed / (double)lowerBound, 4), ffPlaced.Count, firstFit.HostsUsed,
            Math.Round(firstFit.HostsUsed / (double)ffBound, 4), Math.Round(all.Length / ffSeconds));
    }
}
