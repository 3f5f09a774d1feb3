using System.Diagnostics;
using Confluent.Kafka;
using NovaOps.Tests.Shared;

namespace NovaOps.Cli.Tests;

/// <summary><c>novaops broker</c> in its own process serves clients of another process (this test).</summary>
public class BrokerCommandTests
{
    [Fact]
    public async Task Broker_process_serves_another_process()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "novaops.dll");
        using var broker = BackgroundProcess.Start("dotnet", [cli, "broker"], new Dictionary<string, string> { ["NOVAOPS__KAFKA__TOPICPREFIX"] = "xproc" });
        string bootstrap = (await broker.WaitForLineAsync("BOOTSTRAP=", TimeSpan.FromSeconds(60)))["BOOTSTRAP=".Length..];
        Assert.False(string.IsNullOrEmpty(bootstrap), "the broker printed an empty BOOTSTRAP= line");

        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            var topics = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToList();
            Assert.Contains("xproc.telemetry", topics);
            Assert.Contains("xproc.dead-letter", topics);
        }
        using (var p = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap }).Build())
        {
            await p.ProduceAsync("xproc.telemetry", new Message<string, string> { Key = "vm-1", Value = "hello" }, TestContext.Current.CancellationToken);
        }
        using var c = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = "xproc-reader", AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        c.Subscribe("xproc.telemetry");
        ConsumeResult<string, string>? r = null;
        var clock = Stopwatch.StartNew();
        while (r is null && clock.Elapsed < TimeSpan.FromSeconds(30)) r = c.Consume(200);
        Assert.Equal("hello", r?.Message.Value);
    }
}
