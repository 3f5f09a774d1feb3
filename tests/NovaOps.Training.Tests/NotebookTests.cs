using System.Diagnostics;
using System.Text.Json.Nodes;

namespace NovaOps.Training.Tests;

/// <summary>
/// Every notebook in training/notebooks runs headlessly (dotnet-repl, as test.sh installs it into .tools/)
/// and fails the test when a cell fails. The notebooks load the Release build of the training CLI.
/// </summary>
public class NotebookTests
{
    private static string Root() => NovaOps.Tests.Shared.Repository.Root;

    public static TheoryData<string> Notebooks() =>
        [.. Directory.GetFiles(Path.Combine(Root(), "training", "notebooks"), "*.ipynb").Select(Path.GetFileName).OfType<string>().Order()];

    [Fact]
    public void There_is_a_notebook_per_model()
    {
        var names = Notebooks().Select(n => (string)n.Data).ToList();
        Assert.Contains("anomaly-autoencoder.ipynb", names);
        Assert.Contains("incident-gru.ipynb", names);
        Assert.Contains("series-autoencoder.ipynb", names);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task The_notebook_runs_without_a_failing_cell(string notebook)
    {
        string root = Root();
        string repl = Path.Combine(root, ".tools", "dotnet-repl");
        Assert.True(File.Exists(repl), $"{repl} is missing: install it with `dotnet tool install --tool-path .tools dotnet-repl --version 0.3.259` (test.sh does)");
        string bin = Path.Combine(root, "training", "NovaOps.Training.Cli", "bin", "Release", "net10.0", "NovaOps.Training.dll");
        Assert.True(File.Exists(bin), $"{bin} is missing: build it with `dotnet build -c Release training/NovaOps.Training.Cli` (test.sh does)");

        string output = Path.Combine(Path.GetTempPath(), $"novaops-nb-{Guid.NewGuid():N}.ipynb");
        var start = new ProcessStartInfo(repl)
        {
            WorkingDirectory = Path.Combine(root, "training", "notebooks"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "--run", notebook, "--exit-after-run", "--output-path", output }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        try
        {
            var errors = File.Exists(output)
                ? JsonNode.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken))!["cells"]!.AsArray()
                    .SelectMany(c => c!["outputs"]?.AsArray() ?? [])
                    .Where(o => (string?)o!["output_type"] == "error")
                    .Select(o => $"{o!["ename"]}: {o["evalue"]}").ToList()
                : [$"no output notebook; stderr: {await stderr}"];
            Assert.True(process.ExitCode == 0 && errors.Count == 0,
                $"{notebook}: exit code {process.ExitCode}; failing cells:\n{string.Join("\n", errors)}\n{(await stdout)[^Math.Min(2000, (await stdout).Length)..]}");
        }
        finally
        {
            File.Delete(output);
        }
    }
}
