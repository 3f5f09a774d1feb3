using NovaOps.Contracts;
using NovaOps.Simulator.Availability;

namespace NovaOps.Simulator.Tests;

/// <summary>The fleet's account of its service: availability per tier, nines, harm, and what caused the impairment.</summary>
public class AvailabilityLedgerTests
{
    [Fact]
    public void Down_counts_fully_degraded_by_its_weight_and_each_impaired_second_has_a_cause()
    {
        var ledger = new AvailabilityLedger(degradedWeight: 0.5);
        ledger.Add(TenantTier.Platinum, ServiceState.Up, 9_960);
        ledger.Add(TenantTier.Platinum, ServiceState.Degraded, 20, cause: FaultKind.MemoryLeak);
        ledger.Add(TenantTier.Platinum, ServiceState.Down, 10, harmful: true); // a restart of a healthy VM
        ledger.Add(TenantTier.Platinum, ServiceState.Up, 10);
        ledger.AddStun(TenantTier.Platinum, 1, ServiceState.Up, harmful: false);

        Assert.Equal(10 + 0.5 * 20 + 1, ledger.ImpairedSeconds(TenantTier.Platinum));
        Assert.Equal(1 - 21 / 10_000.0, ledger.Availability(TenantTier.Platinum), 12);
        Assert.Equal(10, ledger.HarmSeconds);
        Assert.Equal(new Dictionary<string, double> { ["MemoryLeak"] = 10, ["action"] = 10, ["migration stun"] = 1 }, ledger.ImpairedByCause);
        Assert.Equal(ledger.ImpairedSeconds(), ledger.ImpairedByCause.Values.Sum(), 9);
        Assert.Equal(3, AvailabilityLedger.Nines(0.999), 9);
        Assert.Equal(1, ledger.Availability(TenantTier.Silver)); // no VM-seconds: nothing impaired
    }
}
