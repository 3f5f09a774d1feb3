using NovaOps.Contracts;
using NovaOps.Placement.Workload;

namespace NovaOps.Placement.Tests;

public class PlacementEngineTests
{
    private static HostSpec Host(string id, string zone = "eu-west-a", string rack = "r1", int cpu = 16, int mem = 64, int disk = 500,
        string[]? tags = null, TenantTier[]? tiers = null, string region = "eu-west") => new(id, region, zone, rack, cpu, mem, disk, tags, tiers);

    private static VmRequest Vm(string id, int cpu = 4, int mem = 16, int disk = 50, string? region = "eu-west", string? zone = null, string? group = null,
        string[]? tags = null, TenantTier tier = TenantTier.Gold, bool spread = false) => new(id, "t1", tier, cpu, mem, disk, region, zone, group, tags, spread);

    [Fact]
    public void Best_fit_fills_the_tightest_host_and_respects_every_resource()
    {
        var engine = new PlacementEngine([Host("big", cpu: 32, mem: 128), Host("small", cpu: 8, mem: 32), Host("tiny-disk", cpu: 8, mem: 32, disk: 10)]);
        Assert.Equal("small", engine.Place(Vm("a", 4, 16)).Host);   // tightest fit that also has the disk
        Assert.Equal("small", engine.Place(Vm("b", 4, 16)).Host);
        Assert.Equal("big", engine.Place(Vm("c", 4, 16)).Host);     // small is full
        Assert.Equal((28, 112, 450), engine.Free("big"));
        var tooBig = engine.Place(Vm("d", 64, 16));
        Assert.False(tooBig.Placed);
        Assert.Contains("no host fits", tooBig.Reason);
        Assert.Equal(2, engine.HostsUsed);
    }

    [Fact]
    public void A_released_vms_place_is_reused_and_a_relocation_by_a_stale_listing_moves_nothing_else()
    {
        var engine = new PlacementEngine([Host("h1"), Host("h2"), Host("h3", "eu-west-b")]);
        engine.Place(Vm("a", group: "g"));
        engine.Place(Vm("b", group: "g"));
        var listed = engine.VmsOn(new HashSet<string> { engine.HostOf("a")! }).Single();
        Assert.Equal(("a", TenantTier.Gold, "eu-west"), (listed.VmId, listed.Tier, listed.Region));

        Assert.True(engine.Release("a"));
        Assert.Null(engine.HostOf("a"));
        Assert.Equal(1, engine.VmCount);
        engine.Place(Vm("c", 8, 32));                                  // takes the released VM's slot
        var stale = engine.Relocate(listed, zone: "eu-west-b", region: null);
        Assert.False(stale.Placed);
        Assert.Equal("not placed", stale.Reason);
        Assert.NotEqual("h3", engine.HostOf("c"));

        // The group forgot the released member: a new member may take its host again.
        var bHost = engine.HostOf("b");
        var d = engine.Place(Vm("d", 1, 1, group: "g"));
        Assert.True(d.Placed);
        Assert.NotEqual(bHost, d.Host);
        // An unknown tag is refused with its name; on a given host, as a misfit.
        Assert.Contains("no host has tag 'gpu'", engine.Place(Vm("e", tags: ["gpu"])).Reason);
        Assert.False(engine.PlaceOn(Vm("e", tags: ["gpu"]), "h1").Placed);
        Assert.True(engine.PlaceOn(Vm("e", 1, 1), "h3").Placed);
        Assert.Equal("h3", engine.HostOf("e"));
    }

    [Fact]
    public void Pinning_keeps_a_vm_in_its_zone_or_region()
    {
        var engine = new PlacementEngine([Host("a1", "eu-west-a"), Host("b1", "eu-west-b"), Host("u1", "us-east-a", region: "us-east")]);
        Assert.Equal("eu-west-b", engine.Place(Vm("x", zone: "eu-west-b")).Zone);
        Assert.Equal("us-east-a", engine.Place(Vm("y", region: "us-east")).Zone);
        Assert.StartsWith("eu-west", engine.Place(Vm("z", region: "eu-west")).Zone);
        Assert.Contains("unknown zone", engine.Place(Vm("w", zone: "mars-a")).Reason);
        // The region's emptier zone first: zones fill evenly.
        var engine2 = new PlacementEngine([Host("a1", "eu-west-a"), Host("b1", "eu-west-b")]);
        var zones = Enumerable.Range(0, 4).Select(i => engine2.Place(Vm($"v{i}", 2, 8)).Zone).ToList();
        Assert.Equal(2, zones.Count(z => z == "eu-west-a"));
    }

    [Fact]
    public void Anti_affinity_never_shares_a_host_and_spread_avoids_sharing_a_rack()
    {
        var engine = new PlacementEngine([Host("h1", rack: "r1"), Host("h2", rack: "r1"), Host("h3", rack: "r2"), Host("h4", rack: "r2")]);
        var hosts = Enumerable.Range(0, 4).Select(i => engine.Place(Vm($"db-{i}", 2, 8, group: "db")).Host).ToList();
        Assert.Equal(4, hosts.Distinct().Count());
        Assert.False(engine.Place(Vm("db-4", 2, 8, group: "db")).Placed); // a fifth replica has no host of its own

        var spread = new PlacementEngine([Host("h1", rack: "r1"), Host("h2", rack: "r1"), Host("h3", rack: "r2")]);
        string first = spread.Place(Vm("k-0", 2, 8, group: "kafka", spread: true)).Host!;
        string second = spread.Place(Vm("k-1", 2, 8, group: "kafka", spread: true)).Host!;
        Assert.NotEqual(spread.Hosts.Single(h => h.Id == first).FaultDomain, spread.Hosts.Single(h => h.Id == second).FaultDomain);
        Assert.True(spread.Place(Vm("k-2", 2, 8, group: "kafka", spread: true)).Placed); // both racks used: any free host
    }

    [Fact]
    public void Tags_and_tiers_are_required_and_special_hosts_are_kept_for_those_who_need_them()
    {
        var engine = new PlacementEngine([Host("pci", tags: ["pci"], cpu: 8, mem: 32), Host("plain", cpu: 64, mem: 256), Host("plat", cpu: 8, mem: 32, tiers: [TenantTier.Platinum])]);
        Assert.Equal("plain", engine.Place(Vm("ordinary", 4, 16)).Host); // though pci and plat are tighter fits
        Assert.Equal("pci", engine.Place(Vm("card", 4, 16, tags: ["pci"])).Host);
        Assert.Equal("plat", engine.Place(Vm("vip", 4, 16, tier: TenantTier.Platinum)).Host);
        Assert.Contains("no host has tag", engine.Place(Vm("gpu", tags: ["gpu"])).Reason);
        // When nothing plainer fits, a special host is better than no host.
        var full = new PlacementEngine([Host("pci", tags: ["pci"], cpu: 8, mem: 32), Host("plain", cpu: 4, mem: 16)]);
        Assert.Equal("plain", full.Place(Vm("first", 4, 16)).Host);
        Assert.Equal("pci", full.Place(Vm("second", 4, 16)).Host);
    }

    [Fact]
    public void Hosts_in_maintenance_or_predicted_to_fail_get_no_new_vms_and_released_capacity_returns()
    {
        var engine = new PlacementEngine([Host("h1", cpu: 8, mem: 32), Host("h2", cpu: 8, mem: 32)]);
        engine.SetAvailable("h1", false);
        Assert.Equal("h2", engine.Place(Vm("a", 8, 32)).Host);
        Assert.False(engine.Place(Vm("b", 8, 32)).Placed);
        engine.SetAvailable("h1", true);
        Assert.Equal("h1", engine.Place(Vm("b", 8, 32)).Host);
        Assert.True(engine.Release("a"));
        Assert.Equal((8, 32, 500), engine.Free("h2"));
        Assert.Equal("h2", engine.Place(Vm("c", 8, 32)).Host);
        Assert.False(engine.Release("never-placed"));
        Assert.Contains("already placed", engine.Place(Vm("c", 1, 1)).Reason);
    }

    [Theory]
    [InlineData(PlacementStrategy.BestFit, 1.02)]
    [InlineData(PlacementStrategy.Balanced, 1.02)]
    public void Packing_stays_near_the_lower_bound_on_a_synthetic_fleet(PlacementStrategy strategy, double limit)
    {
        var engine = new PlacementEngine(SyntheticFleet.Hosts(2_000), new PlacementOptions { Strategy = strategy });
        var placed = SyntheticFleet.Requests(20_000, seed: 5).Where(r => engine.Place(r).Placed).ToList();
        Assert.Equal(20_000, placed.Count);
        double ratio = engine.HostsUsed / (double)SyntheticFleet.LowerBound(placed);
        Assert.InRange(ratio, 1, limit);

        var spread = new PlacementEngine(SyntheticFleet.Hosts(2_000), new PlacementOptions { Strategy = PlacementStrategy.Spread });
        foreach (var r in SyntheticFleet.Requests(20_000, seed: 5)) spread.Place(r);
        Assert.True(spread.HostsUsed > engine.HostsUsed * 1.2, "spread uses more hosts than packing");
    }

    [Fact]
    public void A_host_refused_for_its_tags_leaves_the_engine_as_it_was()
    {
        var engine = new PlacementEngine([Host("h1", tags: [.. Enumerable.Range(0, 60).Select(i => $"t{i}")])]);
        var tooMany = Host("h2", tags: [.. Enumerable.Range(55, 10).Select(i => $"t{i}")]); // 5 new: 65 in the region
        Assert.Contains("64 distinct host tags", Assert.Throws<ArgumentException>(() => engine.Upsert(tooMany)).Message);
        Assert.Equal(1, engine.HostCount);
        engine.Upsert(Host("h3", tags: ["t60", "t61", "t62", "t63"])); // the four tags left are still free
        Assert.Equal("h3", engine.Place(Vm("v", tags: ["t63"])).Host);
        Assert.Contains("invalid size", engine.Adopt(Vm("neg", cpu: -4), "h1").Reason);
    }
}
