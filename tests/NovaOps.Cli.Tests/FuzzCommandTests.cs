using System.CommandLine;
using System.Text.Json;
using NovaOps.Cli.Commands;
using Spectre.Console.Testing;

namespace NovaOps.Cli.Tests;

/// <summary><c>novaops fuzz</c>: its table and JSON (the campaign itself: NovaOps.Chaos.Tests).</summary>
public sealed class FuzzCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-fuzz-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Every_input_topic_is_fuzzed_and_none_lets_a_record_escape()
    {
        var settings = NovaOpsSettings.Load();
        var console = new TestConsole();
        string json = Path.Combine(_dir.FullName, "fuzz.json");
        int exit = await FuzzCommand.Create(settings, console).Parse(["--records", "300", "--json", json])
            .InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, TestContext.Current.CancellationToken);
        Assert.Equal(0, exit);
        var report = JsonDocument.Parse(File.ReadAllText(json)).RootElement;
        Assert.Equal(0, report.GetProperty("escaped").GetInt64());
        var topics = report.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("topic").GetString()).ToList();
        Assert.Contains(settings.Kafka.Topics.Hosts, topics);
        Assert.Contains(settings.Kafka.Topics.Topology, topics);
        Assert.All(report.GetProperty("topics").EnumerateArray(), t =>
            Assert.Equal(300, t.GetProperty("accepted").GetInt64() + t.GetProperty("dead_lettered").GetInt64()));
        Assert.Contains(settings.Kafka.Topics.Telemetry, console.Output);
    }
}
