namespace NovaOps.Tests.Shared;

/// <summary>Paths in the repository the tests run from, and the rule for tests that need a server or a tool.</summary>
public static class Repository
{
    /// <summary>The folder holding NovaOps.sln, found upwards from the test binary.</summary>
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(System.IO.Path.Combine(d.FullName, "NovaOps.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("repository root (NovaOps.sln) not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// A test whose server or tool is missing: skipped with the reason, or failed where the test script installed
    /// the services (NOVAOPS_REQUIRE_SERVICES=1), so CI can never pass by skipping them.
    /// </summary>
    public static void Missing(string what)
    {
        string reason = $"{what} is not available here (the README's test command installs it)";
        if (Environment.GetEnvironmentVariable("NOVAOPS_REQUIRE_SERVICES") == "1") Assert.Fail(reason + "; NOVAOPS_REQUIRE_SERVICES=1");
        Assert.Skip(reason);
    }

    /// <summary>An executable on the PATH, or null.</summary>
    public static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
            .Select(dir => System.IO.Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
