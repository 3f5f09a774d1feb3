using System.Diagnostics;
using Confluent.Kafka;

namespace NovaOps.Cli.Tests;

/// <summary><c>novaops broker</c> in its own process serves clients of another process (this test).</summary>
public class BrokerCommandTests
{
    [Fact]
    public async Task Broker_process_serves_another_process()
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "novaops.dll");
        var psi = new ProcessStartInfo("dotnet", [cli, "broker"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NOVAOPS__KAFKA__TOPICPREFIX"] = "xproc" },
        };
        using var broker = Process.Start(psi)!;
        try
        {
            string? bootstrap = null;
            var readTask = Task.Run(() =>
            {
                string? line;
                while ((line = broker.StandardOutput.ReadLine()) is not null)
                    if (line.StartsWith("BOOTSTRAP=", StringComparison.Ordinal)) return line["BOOTSTRAP=".Length..];
                return null;
            }, TestContext.Current.CancellationToken);
            bootstrap = await readTask.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            Assert.False(string.IsNullOrEmpty(bootstrap), "the broker printed no BOOTSTRAP= line");

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
        finally
        {
            broker.Kill(entireProcessTree: true);
            await broker.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }
}
