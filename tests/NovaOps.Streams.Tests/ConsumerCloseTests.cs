using System.Reflection;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using NovaOps.Streams.Hosting;

namespace NovaOps.Streams.Tests;

/// <summary>A consumer whose close hangs in librdkafka (#4041) does not hold its stream thread, nor so the process, for good.</summary>
public sealed class ConsumerCloseTests
{
    [Fact]
    public async Task A_close_that_hangs_is_left_behind_after_its_timeout_and_the_consumer_is_not_freed_under_it()
    {
        using var release = new ManualResetEventSlim();
        var inner = StuckConsumer.Create(release);
        var consumer = new HandOverConsumer(inner, NullLogger.Instance, TimeSpan.FromMilliseconds(200));

        // Returns although the inner close has not (bounded here so that a regression fails rather than hangs the run).
        await Task.Run(consumer.Close, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        consumer.Dispose();

        // The close is released only now. Freeing the handle would wait on it.
        Assert.DoesNotContain("Dispose", StuckConsumer.Calls(inner));
        release.Set();
    }

    [Fact]
    public void A_close_that_ends_in_time_frees_the_consumer()
    {
        using var release = new ManualResetEventSlim(initialState: true);
        var inner = StuckConsumer.Create(release);
        var consumer = new HandOverConsumer(inner, NullLogger.Instance, TimeSpan.FromSeconds(30));

        consumer.Close();
        consumer.Dispose();

        Assert.Equal(["Close", "Dispose"], StuckConsumer.Calls(inner));
    }

    [Fact]
    public void The_stream_settings_give_the_close_timeout_to_every_consumer_of_the_app()
    {
        var app = new StreamAppOptions { ConsumerCloseTimeoutMs = 1234 };
        Assert.True(app.ConsumerCloseTimeoutMs < new StreamAppOptions().ShutdownTimeoutMs);
        Assert.NotNull(app.Clients(StreamConfigs.Create("127.0.0.1:9092", "app", app, null)));
    }

    /// <summary>A consumer whose Close waits until released; it records its Close and Dispose calls.</summary>
    public class StuckConsumer : DispatchProxy
    {
        private ManualResetEventSlim _release = null!;
        private readonly List<string> _calls = [];

        public static IConsumer<byte[], byte[]> Create(ManualResetEventSlim release)
        {
            var proxy = Create<IConsumer<byte[], byte[]>, StuckConsumer>();
            ((StuckConsumer)(object)proxy)._release = release;
            return proxy;
        }

        public static string[] Calls(IConsumer<byte[], byte[]> consumer)
        {
            var stuck = (StuckConsumer)(object)consumer;
            lock (stuck._calls) return [.. stuck._calls];
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name is "Close" or "Dispose") lock (_calls) _calls.Add(targetMethod.Name);
            if (targetMethod.Name == "Close") _release.Wait();
            return targetMethod.Name == "get_Name" ? "stuck" : null;
        }
    }
}
