using NovaOps.Contracts;
using NovaOps.Remediation.Runbooks;
using NovaOps.Remediation.Triggers;

namespace NovaOps.Remediation.Tests;

public class RunbookLoaderTests
{
    private static string ShippedRunbooks() => NovaOps.Tests.Shared.Repository.Path("streams", "NovaOps.Remediation", "runbooks");

    [Fact]
    public void The_shipped_runbooks_load_and_answer_the_simulators_faults()
    {
        var set = RunbookLoader.Load(ShippedRunbooks());
        Assert.True(set.Runbooks.Count >= 5);
        // The VM runbooks look at the VM's latest sample too: a leaking VM's memory is high, a runaway's CPU.
        double? Leaking(string metric) => metric == MetricNames.MemUtil ? 95 : 50;
        double? Spinning(string metric) => metric == MetricNames.CpuUtil ? 99 : 50;
        Assert.Equal("vm-memory-leak", set.Match(Fleet.Prediction("vm-0-1", Fleet.T0, MetricNames.MemUtil), Leaking)?.Name);
        Assert.Null(set.Match(Fleet.Prediction("vm-0-1", Fleet.T0, MetricNames.MemUtil), Spinning));
        Assert.Equal("vm-cpu-runaway", set.Match(Fleet.Prediction("vm-0-1", Fleet.T0, MetricNames.CpuUtil, p: 0.99), Spinning)?.Name);
        Assert.Equal("host-failing", set.Match(Fleet.HostRootCause("host-0-1", "zone-0", Fleet.T0))?.Name);
        // A host ranked first while few of its VMs are anomalous is not drained: one VM's trouble, its neighbours' symptoms.
        Assert.Null(set.Match(Fleet.HostRootCause("host-0-1", "zone-0", Fleet.T0, coverage: 0.5)));
        var leak = set.Runbooks.Single(r => r.Name == "vm-memory-leak");
        Assert.Equal([ActionKind.RestartVm, ActionKind.LiveMigrate, ActionKind.PageHuman], leak.Steps.Select(s => s.Action));
        Assert.Equal(TimeSpan.FromMinutes(10), leak.Steps[0].Verify!.Within);
        Assert.Equal(NodeKind.Host, set.Runbooks.Single(r => r.Name == "host-failing").Steps[0].Scope);
    }

    [Theory]
    [InlineData("runbooks:\n  - name: a\n    actions:\n      - action: reboot_everything\n", "runbook 'a', action 1: unknown action 'reboot_everything'")]
    [InlineData("runbooks:\n  - name: a\n    actions:\n      - action: restart_vm\n        verify: { metric: mem_util, below: 80 }\n", "verify needs a deadline")]
    [InlineData("runbooks:\n  - name: a\n    actions:\n      - action: restart_vm\n        verify: { metric: memory, below: 80, within: 5m }\n", "verify needs a metric")]
    [InlineData("runbooks:\n  - name: a\n    match: { tenant_tiers: [bronze] }\n    actions:\n      - action: page_human\n", "unknown tenant tier 'bronze'")]
    [InlineData("runbooks:\n  - name: a\n    actions:\n      - action: restart_vm\n        rollback: true\n        verify: { metric: mem_util, below: 80, within: 5m }\n", "restart_vm cannot be rolled back")]
    [InlineData("runbooks:\n  - name: a\n    actoins:\n      - action: page_human\n", "test.yaml: line 3")]
    [InlineData("runbooks:\n  - name: a\n", "runbook 'a': has no actions")]
    [InlineData("runbooks:\n  - name: a\n    match: { triggers: [rumour] }\n    actions:\n      - action: page_human\n", "unknown trigger 'rumour'")]
    [InlineData("runbooks:\n  - name: a\n    match: { min_host_coverage: 75 }\n    actions:\n      - action: drain_host\n", "min_host_coverage 75 is not within 0..1")]
    [InlineData("hello: world\n", "test.yaml: line 1")]
    public void A_mistake_in_a_runbook_is_an_error_that_says_where(string yaml, string expected)
    {
        var e = Assert.Throws<RunbookException>(() => RunbookLoader.Parse(yaml, "test.yaml"));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("test.yaml", e.Message);
    }

    [Fact]
    public void Durations_read_as_runbooks_write_them()
    {
        Assert.Equal(TimeSpan.FromSeconds(90), RunbookLoader.Duration("90s", "x"));
        Assert.Equal(TimeSpan.FromMinutes(1.5), RunbookLoader.Duration("1.5m", "x"));
        Assert.Equal(TimeSpan.FromHours(2), RunbookLoader.Duration("2h", "x"));
        Assert.Equal(TimeSpan.FromMinutes(10), RunbookLoader.Duration("00:10:00", "x"));
        Assert.Throws<RunbookException>(() => RunbookLoader.Duration("soon", "x"));
    }

    [Fact]
    public void The_first_matching_runbook_answers()
    {
        var set = new RunbookSet(RunbookLoader.Parse("""
            runbooks:
              - name: platinum
                match: { tenant_tiers: [platinum] }
                actions: [{ action: page_human }]
              - name: any
                actions: [{ action: restart_vm }]
            """));
        var gold = Fleet.Prediction("vm-0-1", Fleet.T0);
        Assert.Equal("any", set.Match(gold)?.Name);
        Assert.Equal("platinum", set.Match(gold with { Tier = TenantTier.Platinum })?.Name);
        Assert.Equal(TriggerSource.Prediction, gold.Source);
    }
}
