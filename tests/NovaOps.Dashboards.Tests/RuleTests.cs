using System.Diagnostics;
using NovaOps.Tests.Shared;

namespace NovaOps.Dashboards.Tests;

/// <summary>The Prometheus rules, checked and unit-tested by promtool (Debian's prometheus package); the remote_write rules also run for real in tests/NovaOps.Ingest.Tests.</summary>
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

    [Theory]
    [InlineData("novaops.rules.yml")]
    [InlineData("remote-write.rules.yml")]
    public async Task The_rules_pass_promtool_check(string file)
    {
        var (code, output) = await Promtool("check", "rules", file);
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
