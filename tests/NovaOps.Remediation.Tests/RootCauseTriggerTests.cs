using NovaOps.Contracts;
using NovaOps.Remediation.Triggers;
using TriggerReader = NovaOps.Remediation.Triggers.Triggers;

namespace NovaOps.Remediation.Tests;

/// <summary>How an incident's ranking becomes a trigger: confidence against rival explanations, and a host's coverage.</summary>
public class RootCauseTriggerTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    // Fleet's layout: vm-Z-V on host-Z-(V/10), 10 VMs a host, in zone-Z.
    private static (string Zone, string Host, string TenantId, TenantTier Tier)? Place(string node)
    {
        var parts = node.Split('-');
        return parts[0] switch
        {
            "vm" => ($"zone-{parts[1]}", $"host-{parts[1]}-{int.Parse(parts[2]) / 10}", "tenant-0", TenantTier.Gold),
            "host" => ($"zone-{parts[1]}", node, "", TenantTier.Unspecified),
            _ => null,
        };
    }

    private static RootCauseEvent Ranking(string incident, IEnumerable<string> anomalous, params (string Node, NodeKind Kind, double Score)[] candidates)
    {
        var e = new RootCauseEvent { SchemaVersion = SchemaVersions.RootCause, IncidentId = incident, Region = "eu-west", LastAnomalyMs = Fleet.T0 };
        e.AnomalousVms.Add(anomalous);
        foreach (var (node, kind, score) in candidates) e.Candidates.Add(new RootCauseCandidate { Node = node, Kind = kind, Score = score });
        return e;
    }

    private static IEnumerable<string> Vms(int zone, int from, int count) => Enumerable.Range(from, count).Select(v => $"vm-{zone}-{v}");

    [Fact]
    public void A_host_s_own_vms_are_its_symptoms_not_rivals_and_its_coverage_is_the_share_of_them_anomalous()
    {
        // A failed host: all 10 of its VMs anomalous and ranked below it, with another host and a VM elsewhere as rivals.
        var candidates = new List<(string, NodeKind, double)> { ("host-0-1", NodeKind.Host, 3) };
        candidates.AddRange(Vms(0, 10, 10).Select(vm => (vm, NodeKind.Vm, 0.5)));
        candidates.Add(("host-0-2", NodeKind.Host, 0.5));
        candidates.Add(("vm-0-25", NodeKind.Vm, 0.5));
        var t = TriggerReader.FromRootCause(Ranking("inc-1", Vms(0, 10, 10).Append("vm-0-25"), [.. candidates]), Place, _ => 10)!;
        Assert.Equal(3 / 4.0, t.Confidence, 9); // the share of all scores would have been 3 / 9
        Assert.Equal(1.0, t.HostCoverage);

        // Three of its ten VMs anomalous: the same ranking covers 30 %.
        var few = TriggerReader.FromRootCause(Ranking("inc-2", Vms(0, 10, 3), ("host-0-1", NodeKind.Host, 3), ("vm-0-10", NodeKind.Vm, 1)), Place, _ => 10)!;
        Assert.Equal(0.3, few.HostCoverage, 9);
    }

    [Fact]
    public void A_zone_or_a_vm_on_top_keeps_the_share_of_every_score()
    {
        // A zone contains every candidate: explaining them away would make any zone certain.
        var zone = TriggerReader.FromRootCause(Ranking("inc-1", Vms(0, 0, 2), ("zone-0", NodeKind.Zone, 2), ("host-0-0", NodeKind.Host, 1), ("vm-0-1", NodeKind.Vm, 1)), Place, _ => 10)!;
        Assert.Equal(0.5, zone.Confidence, 9);
        Assert.Equal(0, zone.HostCoverage);
        var vm = TriggerReader.FromRootCause(Ranking("inc-2", Vms(0, 0, 2), ("vm-0-1", NodeKind.Vm, 1), ("host-0-0", NodeKind.Host, 1)), Place, _ => 10)!;
        Assert.Equal(0.5, vm.Confidence, 9);
    }

    [Fact]
    public async Task A_ranking_no_runbook_answers_yet_is_answered_when_the_incident_ranks_the_node_again_with_more_confidence()
    {
        const string yaml = """
            runbooks:
              - name: host
                match: { triggers: [root_cause], target_kinds: [host], min_confidence: 0.6 }
                actions:
                  - action: drain_host
            """;
        var actuator = new RecordingActuator();
        var executor = Fleet.Executor(yaml, actuator);
        var weak = Fleet.HostRootCause("host-0-1", "zone-0", Fleet.T0) with { Confidence = 0.4 };
        Assert.Equal("no runbook matches", Assert.Single(await executor.HandleAsync(weak, Ct)).Reason);
        var strong = weak with { Confidence = 0.9, AtMs = Fleet.T0 + 60_000 };
        Assert.Equal(ActionOutcome.Executed, Assert.Single(await executor.HandleAsync(strong, Ct)).Outcome);
        // Once acted on, the incident's later rankings of that node do not act again, nor does an executor that replays the audit.
        Assert.Equal(ActionOutcome.Skipped, Assert.Single(await executor.HandleAsync(strong with { AtMs = Fleet.T0 + 120_000 }, Ct)).Outcome);
        Assert.Single(actuator.Commands);
    }
}
