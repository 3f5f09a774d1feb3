using NovaOps.Contracts;
using NovaOps.Evaluation.GroundTruth;

namespace NovaOps.Detection.Tests;

public class ClosedLoopEvaluationTests
{
    private static FaultLabel VmFault(string id, string vm, long precursor, long onset, long end)
    {
        var l = new FaultLabel { FaultId = id, Scope = FaultScope.Vm, Kind = FaultKind.MemoryLeak, RootCause = vm, Zone = "z1", Host = "h1",
            PrecursorStartMs = precursor, OnsetMs = onset, EndMs = end };
        l.AffectedVms.Add(vm);
        return l;
    }

    private static ActionRecord Action(string target, ActionKind kind, ActionOutcome outcome, long at) =>
        new() { ActionId = $"{target}/{kind}/{at}", Target = target, Kind = kind, Outcome = outcome, AtMs = at };

    [Fact]
    public void Merging_keeps_one_label_per_fault_ending_where_an_action_ended_it()
    {
        var first = VmFault("f1", "vm-1", 0, 600_000, 1_200_000);
        var resolved = first.Clone();
        resolved.ResolvedMs = 500_000;
        resolved.ResolvedBy = "p:vm-1/0";
        var merged = Assert.Single(FaultLabels.Merge([first, resolved]));
        Assert.Equal(500_000, merged.EndMs);
        Assert.Equal("p:vm-1/0", merged.ResolvedBy);
        Assert.Equal(1_200_000, first.EndMs); // the input is left as it was
    }

    [Fact]
    public void Time_to_detect_act_and_recover_and_the_automation_rate()
    {
        var prevented = VmFault("prevented", "vm-1", 0, 600_000, 1_200_000);
        prevented.ResolvedMs = 400_000;
        prevented.ResolvedBy = "a1";
        var fixedLate = VmFault("fixed", "vm-2", 0, 600_000, 1_200_000);
        fixedLate.ResolvedMs = 780_000;
        fixedLate.ResolvedBy = "a2";
        var paged = VmFault("paged", "vm-3", 0, 600_000, 1_500_000); // no action ended it: a human did, at its planned end
        var approvedDrain = new FaultLabel { FaultId = "host", Scope = FaultScope.Host, Kind = FaultKind.HostFailure, RootCause = "h9", Host = "h9", Zone = "z1",
            PrecursorStartMs = 0, OnsetMs = 600_000, EndMs = 660_000, ResolvedMs = 660_000, ResolvedBy = "a4" };
        approvedDrain.AffectedVms.Add("vm-9");
        var labels = FaultLabels.Merge([prevented, fixedLate, paged, approvedDrain]);

        var anomalies = new[] { new AnomalyEvent { VmId = "vm-2", Zone = "z1", WindowStartMs = 600_000, WindowEndMs = 660_000, Score = 1 } };
        var predictions = new[] { new PredictionEvent { VmId = "vm-1", Alarm = true, WindowEndMs = 300_000, HorizonMs = 900_000, Probability = 0.97 } };
        var actions = new[]
        {
            Action("vm-1", ActionKind.RestartVm, ActionOutcome.Executed, 390_000),
            Action("vm-2", ActionKind.RestartVm, ActionOutcome.Executed, 700_000),
            Action("vm-3", ActionKind.RestartVm, ActionOutcome.Blocked, 700_000),
            Action("vm-3", ActionKind.PageHuman, ActionOutcome.Executed, 700_000),
            Action("h9", ActionKind.DrainHost, ActionOutcome.AwaitingApproval, 610_000),
            Action("h9", ActionKind.DrainHost, ActionOutcome.Executed, 650_000),
        };
        var r = ClosedLoopEvaluation.Evaluate(labels, anomalies, predictions, actions, TimeSpan.FromMinutes(5));
        var by = r.Faults.ToDictionary(f => f.FaultId);

        Assert.Equal(-300, by["prevented"].DetectSeconds); // the prediction, 5 min ahead
        Assert.Equal(-210, by["prevented"].FirstActionSeconds);
        Assert.Equal(0, by["prevented"].RecoverSeconds);
        Assert.False(by["prevented"].HumanNeeded);
        Assert.Equal(60, by["fixed"].DetectSeconds);
        Assert.Equal(180, by["fixed"].RecoverSeconds);
        Assert.True(by["paged"].HumanNeeded);
        Assert.Null(by["paged"].FirstActionSeconds); // only a blocked action and a page
        Assert.Equal(900, by["paged"].RecoverSeconds);
        Assert.True(by["host"].HumanNeeded); // the drain waited for an approval
        Assert.Equal(60, by["host"].RecoverSeconds);

        Assert.Equal(3, r.ActionsExecuted); // pages are not counted as actions
        Assert.Equal(1, r.ActionsBlockedByGuardrails);
        Assert.Equal(1, r.Pages);
        Assert.Equal(1, r.ApprovalsRequested);
        Assert.Equal(3, r.ResolvedByActions);
        Assert.Equal(1, r.Prevented);
        Assert.Equal(120, r.MttrMedianSeconds); // median of 0, 60, 180, 900
        Assert.Equal(0.5, r.AutomationRate);
    }

    [Fact]
    public void Time_to_recovery_adds_up_from_its_parts_and_needless_actions_count_as_harm()
    {
        var leak = VmFault("leak", "vm-2", 0, 600_000, 1_800_000);
        leak.ResolvedMs = 780_000;
        leak.ResolvedBy = "restart-1";
        leak.ResolveStartedMs = 705_000; // the restart booted for 75 s
        var host = new FaultLabel { FaultId = "host", Scope = FaultScope.Host, Kind = FaultKind.HostFailure, RootCause = "h9", Host = "h9", Zone = "z1",
            PrecursorStartMs = 0, OnsetMs = 600_000, EndMs = 1_800_000, ResolvedMs = 700_000, ResolvedBy = "drain-1", ResolveStartedMs = 650_000 };
        host.AffectedVms.Add("vm-9");
        var natural = VmFault("natural", "vm-5", 0, 600_000, 900_000); // nothing ended it: no parts
        var viaCaller = VmFault("via-caller", "vm-6", 0, 600_000, 1_800_000); // a person paged about a VM it slowed fixed it
        viaCaller.ResolvedMs = 1_000_000;
        viaCaller.ResolvedBy = "page/vm-8";
        viaCaller.ResolveStartedMs = 700_000;
        var anomalies = new[]
        {
            new AnomalyEvent { VmId = "vm-2", Zone = "z1", WindowStartMs = 600_000, WindowEndMs = 660_000, Score = 1 },
            new AnomalyEvent { VmId = "vm-9", Zone = "z1", WindowStartMs = 540_000, WindowEndMs = 600_000, Score = 1 },
            new AnomalyEvent { VmId = "vm-5", Zone = "z1", WindowStartMs = 600_000, WindowEndMs = 660_000, Score = 1 },
        };
        var actions = new[]
        {
            new ActionRecord { ActionId = "restart-1", Target = "vm-2", Kind = ActionKind.RestartVm, Outcome = ActionOutcome.Executed, AtMs = 700_000 },
            new ActionRecord { ActionId = "restart-1", Target = "vm-2", Kind = ActionKind.RestartVm, Outcome = ActionOutcome.Verified, AtMs = 840_000 },
            new ActionRecord { ActionId = "drain-1", Target = "h9", Kind = ActionKind.DrainHost, Outcome = ActionOutcome.AwaitingApproval, AtMs = 610_000 },
            new ActionRecord { ActionId = "drain-1", Target = "h9", Kind = ActionKind.DrainHost, Outcome = ActionOutcome.Executed, AtMs = 650_000 },
            new ActionRecord { ActionId = "needless", Target = "vm-7", Kind = ActionKind.RestartVm, Outcome = ActionOutcome.Executed, AtMs = 700_000 },
            new ActionRecord { ActionId = "page/vm-8", Target = "vm-8", Kind = ActionKind.PageHuman, Outcome = ActionOutcome.Executed, AtMs = 700_000 },
        };
        var decide = new Dictionary<string, double> { ["restart-1"] = 0.8, ["drain-1"] = 1.5, ["needless"] = 0.4 };

        var r = ClosedLoopEvaluation.Evaluate(FaultLabels.Merge([leak, host, natural, viaCaller]), anomalies, [], actions, TimeSpan.FromMinutes(5), decide);
        var by = r.Faults.ToDictionary(f => f.FaultId);

        var p = by["leak"].Parts!;
        Assert.Equal(new MttrParts(Detect: 60, Decide: 0.8, Act: 75, Verify: 60), p);
        Assert.Equal(p.Detect + p.Decide + p.Act + p.Verify, p.Total);
        // The drain: found at onset, 1.5 s of pipeline plus 40 s waiting for the approval, 50 s of migrations, no check.
        Assert.Equal(new MttrParts(Detect: 0, Decide: 41.5, Act: 50, Verify: 0), by["host"].Parts);
        Assert.Null(by["natural"].Parts);
        Assert.True(by["via-caller"].HumanNeeded);
        Assert.False(by["leak"].HumanNeeded);
        Assert.Equal(1, r.HarmfulActions); // the restart of vm-7, which no fault touched
        Assert.Equal([0.4, 0.8, 1.5], r.DecideSeconds!.Order());
    }
}
