namespace NovaOps.Tests.Shared;

/// <summary>
/// The development datasets in ../shared/datasets beside the clone (CI has them there): found by walking up
/// from the test binary. A test skips, saying so, when one is missing from a user's clone; where the datasets must be
/// there (NOVAOPS_REQUIRE_DATASETS=1, set by .ci/run) it fails instead, so CI can never pass by skipping them.
/// </summary>
internal static class SharedDatasets
{
    /// <summary>The folder of dataset <paramref name="name"/> (e.g. "nab-dev"), or null when it is not there.</summary>
    public static string? Find(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "datasets", name);
            if (Directory.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The folder of dataset <paramref name="name"/>; skips the test when it is missing (fails it under NOVAOPS_REQUIRE_DATASETS=1).</summary>
    public static string Require(string name, string description)
    {
        if (Find(name) is { } found) return found;
        string reason = $"{description} ({name}) not found in ../shared/datasets beside the clone";
        if (Environment.GetEnvironmentVariable("NOVAOPS_REQUIRE_DATASETS") == "1") Assert.Fail(reason + "; NOVAOPS_REQUIRE_DATASETS=1");
        Assert.Skip(reason);
        return null!; // Assert.Skip throws
    }
}
