namespace NovaOps.Tests.Shared;

/// <summary>
/// The development datasets in ../shared/datasets beside the clone (CI has them there): found by walking up
/// from the test binary; a test skips, saying so, when one is missing.
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

    /// <summary>The folder of dataset <paramref name="name"/>; skips the test when it is missing.</summary>
    public static string Require(string name, string description)
    {
        string? found = Find(name);
        Assert.SkipWhen(found is null, $"{description} not found in ../shared/datasets");
        return found!;
    }
}
