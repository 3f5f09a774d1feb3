using System.Diagnostics;
using NovaOps.Tests.Shared;

namespace NovaOps.Dashboards.Tests;

/// <summary>The Prometheus rules, checked and unit-tested by promtool (Debian's prometheus package).</summary>
public class RuleTests
{
    private static async Task<(int Code, string Output)> Promtool(params string[] args)
    {
        if (Repository.Which("promtool") is not { } promtool) { Repository.Missing("promtool"); return default; }
        var psi = new ProcessStartInfo(promtool, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository.Path("dashboards", "rules") };
        using var p = Process.Start(psi)!;
        string output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, output);
    }

    [Fact]
    public async Task The_rules_pass_promtool_check()
    {
        var (code, output) = await Promtool("check", "rules", "novaops.rules.yml");
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public async Task The_rules_pass_their_promtool_unit_tests()
    {
        var (code, output) = await Promtool("test", "rules", "novaops.test.yml");
        Assert.True(code == 0, output);
    }
}
