using NovaOps.Placement.Availability;

namespace NovaOps.Placement.Tests;

public class HostAvailabilityTests
{
    [Fact]
    public void Alarms_on_two_vms_of_a_host_keep_new_vms_off_it_until_the_hold_ends()
    {
        var engine = new PlacementEngine([new HostSpec("h1", "r", "z", "r1", 8, 32, 100), new HostSpec("h2", "r", "z", "r1", 16, 64, 100)],
            new PlacementOptions { PredictedFailureVms = 2, PredictedFailureHold = TimeSpan.FromMinutes(30) });
        var availability = new HostAvailability(engine);
        long t0 = 1_000_000_000;
        availability.Alarm("h1", "vm-a", t0);
        Assert.True(engine.IsAvailable("h1")); // one VM's alarm: could be the VM itself
        availability.Alarm("h1", "vm-a", t0 + 60_000);
        Assert.True(engine.IsAvailable("h1")); // the same VM again
        availability.Alarm("h1", "vm-b", t0 + 120_000);
        Assert.False(engine.IsAvailable("h1"));
        Assert.Equal(["h1"], availability.PredictedToFail);
        Assert.Equal("h2", engine.Place(new VmRequest("x", "t", Contracts.TenantTier.Gold, 2, 8, 10)).Host); // h1 is tighter but predicted to fail

        availability.Advance(t0 + 120_000 + 29 * 60_000);
        Assert.False(engine.IsAvailable("h1"));
        availability.Advance(t0 + 61 * 60_000); // vm-a's alarms are over 30 min old: one VM left
        Assert.True(engine.IsAvailable("h1"));
    }

    [Fact]
    public void Maintenance_and_prediction_both_hold_a_host()
    {
        var engine = new PlacementEngine([new HostSpec("h1", "r", "z", "r1", 8, 32, 100)], new PlacementOptions { PredictedFailureVms = 1 });
        var availability = new HostAvailability(engine);
        availability.SetMaintenance("h1", true);
        availability.Alarm("h1", "vm-a", 1000);
        availability.SetMaintenance("h1", false);
        Assert.False(engine.IsAvailable("h1")); // still predicted to fail
        availability.Advance(1000 + 31 * 60_000);
        Assert.True(engine.IsAvailable("h1"));
    }
}
