using System.Text.Json.Serialization;
using NovaOps.Evaluation.GroundTruth;
using NovaOps.Evaluation.Statistics;

namespace NovaOps.Cli.Demo;

/// <summary>One seed's run with the remediation executor and, on the same fleet and faults, without it (an on-call paged by every alarm).</summary>
public sealed record LoopRun(int Seed, DemoSummary On, ClosedLoopReport OnLoop, DemoSummary? Off, ClosedLoopReport? OffLoop);

/// <summary>A tier's availability with remediation on and off (mean over seeds) and as nines.</summary>
public sealed record TierAvailability(
    [property: JsonPropertyName("on")] double On,
    [property: JsonPropertyName("off")] double? Off,
    [property: JsonPropertyName("nines_on")] double NinesOn,
    [property: JsonPropertyName("nines_off")] double? NinesOff);

/// <summary>Mean parts of the time to recovery of one fault kind, over the faults an action or a person ended after onset.</summary>
public sealed record KindParts(
    [property: JsonPropertyName("faults")] int Faults,
    [property: JsonPropertyName("detect_s")] double Detect,
    [property: JsonPropertyName("decide_s")] double Decide,
    [property: JsonPropertyName("act_s")] double Act,
    [property: JsonPropertyName("recover_s")] double Recover,
    [property: JsonPropertyName("total_s")] double Total);

/// <summary><c>novaops eval loop</c>'s figures (issue 20's JSON keys), from runs over several held-out seeds.</summary>
public sealed record LoopScorecard(
    [property: JsonPropertyName("seeds")] IReadOnlyList<int> Seeds,
    [property: JsonPropertyName("vms")] int Vms,
    [property: JsonPropertyName("simulated_hours")] double SimulatedHours,
    [property: JsonPropertyName("faults")] int Faults,
    [property: JsonPropertyName("availability")] IReadOnlyDictionary<string, TierAvailability> Availability,
    [property: JsonPropertyName("impaired_vm_seconds_on")] double ImpairedOn,
    [property: JsonPropertyName("impaired_vm_seconds_off")] double? ImpairedOff,
    [property: JsonPropertyName("impaired_by_cause_on")] IReadOnlyDictionary<string, double> ImpairedByCauseOn,
    [property: JsonPropertyName("impaired_by_cause_off")] IReadOnlyDictionary<string, double>? ImpairedByCauseOff,
    [property: JsonPropertyName("automation_rate")] double AutomationRate,
    [property: JsonPropertyName("harmful_action_share")] double HarmfulActionShare,
    [property: JsonPropertyName("actions_executed")] int ActionsExecuted,
    [property: JsonPropertyName("pages_on")] int PagesOn,
    [property: JsonPropertyName("pages_off")] int? PagesOff,
    [property: JsonPropertyName("decide_p50_s")] double? DecideP50,
    [property: JsonPropertyName("decide_p99_s")] double? DecideP99,
    [property: JsonPropertyName("mttr_parts")] IReadOnlyDictionary<string, KindParts> MttrParts,
    [property: JsonPropertyName("prevented")] int Prevented,
    [property: JsonPropertyName("prevented_median_lead_s")] double? PreventedMedianLead,
    [property: JsonPropertyName("interval95")] IReadOnlyDictionary<string, Interval95> Interval95,
    [property: JsonPropertyName("per_seed")] IReadOnlyList<object> PerSeed)
{
    /// <summary>The scorecard of <paramref name="runs"/>: rates pooled over the seeds' faults and actions (Wilson intervals), availability averaged over seeds (Student's t intervals).</summary>
    public static LoopScorecard Of(IReadOnlyList<LoopRun> runs, int vms, double hours)
    {
        var faults = runs.SelectMany(r => r.OnLoop.Faults).ToList();
        int automated = faults.Count(f => !f.HumanNeeded);
        int executed = runs.Sum(r => r.OnLoop.ActionsExecuted);
        int harmful = runs.Sum(r => r.OnLoop.HarmfulActions);
        var decide = runs.SelectMany(r => r.OnLoop.DecideSeconds ?? []).ToList();
        var intervals = new Dictionary<string, Interval95>
        {
            ["automation_rate"] = Proportion.Wilson(automated, faults.Count),
            ["harmful_action_share"] = Proportion.Wilson(harmful, executed),
        };
        var tiers = runs.SelectMany(r => r.On.Availability.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var availability = new Dictionary<string, TierAvailability>();
        foreach (string tier in tiers)
        {
            var on = runs.Select(r => r.On.Availability.GetValueOrDefault(tier, 1)).ToList();
            var off = runs.Where(r => r.Off is not null).Select(r => r.Off!.Availability.GetValueOrDefault(tier, 1)).ToList();
            double meanOn = on.Average();
            double? meanOff = off.Count > 0 ? off.Average() : null;
            availability[tier] = new TierAvailability(Math.Round(meanOn, 7), meanOff is { } m ? Math.Round(m, 7) : null, Nines(meanOn), meanOff is { } mo ? Nines(mo) : null);
            intervals[$"availability_{tier}_on"] = MeanInterval(on);
            if (off.Count > 1) intervals[$"availability_{tier}_off"] = MeanInterval(off);
        }
        var parts = faults.Where(f => f.Parts is not null).GroupBy(f => f.Kind.ToString())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new KindParts(g.Count(),
                Math.Round(g.Average(f => f.Parts!.Detect), 1), Math.Round(g.Average(f => f.Parts!.Decide), 2), Math.Round(g.Average(f => f.Parts!.Act), 1),
                Math.Round(g.Average(f => f.Parts!.Verify), 1), Math.Round(g.Average(f => f.Parts!.Total), 1)));
        var leads = runs.SelectMany(r => r.OnLoop.PreventedLeadSeconds ?? []).ToList();
        bool withOff = runs.All(r => r.Off is not null);
        return new LoopScorecard(
            Seeds: [.. runs.Select(r => r.Seed)],
            Vms: vms,
            SimulatedHours: hours,
            Faults: faults.Count,
            Availability: availability,
            ImpairedOn: Math.Round(runs.Average(r => r.On.ImpairedVmSeconds), 1),
            ImpairedOff: withOff ? Math.Round(runs.Average(r => r.Off!.ImpairedVmSeconds), 1) : null,
            ImpairedByCauseOn: MeanByCause(runs.Select(r => r.On.ImpairedByCause).ToList()),
            ImpairedByCauseOff: withOff ? MeanByCause(runs.Select(r => r.Off!.ImpairedByCause).ToList()) : null,
            AutomationRate: faults.Count == 0 ? 0 : Math.Round(automated / (double)faults.Count, 4),
            HarmfulActionShare: executed == 0 ? 0 : Math.Round(harmful / (double)executed, 4),
            ActionsExecuted: executed,
            PagesOn: runs.Sum(r => r.OnLoop.Pages),
            PagesOff: withOff ? runs.Sum(r => r.OffLoop!.Pages) : null,
            DecideP50: Quantile.NearestRank(decide, 0.5),
            DecideP99: Quantile.NearestRank(decide, 0.99),
            MttrParts: parts,
            Prevented: leads.Count,
            PreventedMedianLead: Median.Of(leads),
            Interval95: intervals,
            PerSeed: [.. runs.Select(r => (object)new
            {
                seed = r.Seed,
                faults = r.OnLoop.Faults.Count,
                availability_on = r.On.Availability,
                availability_off = r.Off?.Availability,
                impaired_vm_seconds_on = r.On.ImpairedVmSeconds,
                impaired_vm_seconds_off = r.Off?.ImpairedVmSeconds,
                harm_vm_seconds = r.On.HarmVmSeconds,
                automation_rate = r.OnLoop.AutomationRate,
                actions_executed = r.OnLoop.ActionsExecuted,
                harmful_actions = r.OnLoop.HarmfulActions,
                actions_failed = r.On.ActionsFailed,
                pages_on = r.OnLoop.Pages,
                pages_off = r.OffLoop?.Pages,
            })]);
    }

    /// <summary>Mean impaired VM-seconds per cause over the runs (a cause a run did not have counts 0 there), largest first.</summary>
    private static IReadOnlyDictionary<string, double> MeanByCause(IReadOnlyList<IReadOnlyDictionary<string, double>> runs) =>
        runs.SelectMany(r => r.Keys).Distinct().Select(k => (k, v: runs.Average(r => r.GetValueOrDefault(k))))
            .OrderByDescending(x => x.v).ToDictionary(x => x.k, x => Math.Round(x.v, 1));

    /// <summary>Nines of an availability, capped at 9 (a run with no impaired second has infinitely many).</summary>
    public static double Nines(double availability) =>
        Math.Round(Math.Min(9, NovaOps.Simulator.Availability.AvailabilityLedger.Nines(availability)), 2);

    private static Interval95 MeanInterval(IReadOnlyList<double> values)
    {
        var s = SeedStatistics.Of("", values);
        double half = double.IsNaN(s.HalfWidth95) ? 0 : s.HalfWidth95;
        return new Interval95(Math.Round(s.Mean - half, 7), Math.Round(Math.Min(1, s.Mean + half), 7));
    }
}
