using System.CommandLine;
using System.Text.Json;
using NovaOps.Cli.Commands;
using Spectre.Console.Testing;

namespace NovaOps.Cli.Tests;

/// <summary>
/// <c>novaops chaos</c>, short: refused produce and fetch requests, then poison records in every input topic and every
/// service killed and started again (the full campaign: docs/reliability.md).
/// </summary>
public sealed class ChaosCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-chaos-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Request_errors_and_poison_records_lose_nothing_and_stop_no_service()
    {
        var settings = NovaOpsSettings.Load();
        var console = new TestConsole();
        string json = Path.Combine(_dir.FullName, "chaos.json");
        int exit = await ChaosCommand.Create(settings, console).Parse(["--scenario", "request-errors", "poison", "--vms", "100", "--rate", "500", "--json", json])
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, TestContext.Current.CancellationToken);
        var r = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.True(exit == 0, console.Output);
        Assert.Equal(0, r.GetProperty("lost").GetInt64());
        Assert.Equal(0, r.GetProperty("duplicate_actions").GetInt64());
        var scenarios = r.GetProperty("scenarios").EnumerateArray().ToList();
        Assert.Equal(["request-errors", "poison"], scenarios.Select(s => s.GetProperty("scenario").GetString()));
        Assert.All(scenarios, s => Assert.True(s.GetProperty("records_in").GetInt64() > 0));
        var poison = scenarios[1];
        Assert.True(poison.GetProperty("dead_lettered").GetInt64() >= 5, poison.ToString()); // the poisoned telemetry, each with its reason
        Assert.Equal(poison.GetProperty("records_in").GetInt64(), poison.GetProperty("scored").GetInt64() + poison.GetProperty("dead_lettered").GetInt64());
        Assert.Empty(poison.GetProperty("services_down").EnumerateArray());
    }
}
