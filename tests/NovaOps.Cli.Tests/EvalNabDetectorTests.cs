using NovaOps.Cli;
using NovaOps.Cli.Commands;

namespace NovaOps.Cli.Tests;

/// <summary><c>eval nab --detector</c> on NAB's development subset (../shared/datasets beside the clone).</summary>
public class EvalNabDetectorTests
{
    private static readonly NovaOpsSettings Settings = NovaOpsSettings.Load();

    private static DirectoryInfo NabDev() => new(NovaOps.Tests.Shared.SharedDatasets.Require("nab-dev", "NAB development subset"));

    [Theory]
    [InlineData("onnx", "series-autoencoder/1")]
    [InlineData("combined", "combined(statistical-robust-z/1, series-autoencoder/1)")]
    public void The_series_model_scores_nab_better_than_random(string detector, string name)
    {
        var nab = NabDev();
        var run = EvalNabCommand.Run(new DirectoryInfo(Path.Combine(nab.FullName, "data")), new FileInfo(Path.Combine(nab.FullName, "combined_windows.json")),
            null, Settings, detector);
        Assert.Equal(name, run.Detector);
        Assert.Equal(28, run.Files);
        double standard = run.Profiles.Single(p => p.Profile == "standard").NormalisedScore;
        Assert.True(standard > 20.8, $"{detector}: standard {standard:F1} is not above NAB's random detector (20.8)");
    }

    [Fact]
    public void An_unknown_detector_is_a_clear_error()
    {
        // Checked before any data is read.
        var e = Assert.Throws<CliException>(() => EvalNabCommand.Run(new DirectoryInfo("no-such-dir"), new FileInfo("no-such.json"), null, Settings, "magic"));
        Assert.Contains("--detector must be", e.Message);
    }
}
