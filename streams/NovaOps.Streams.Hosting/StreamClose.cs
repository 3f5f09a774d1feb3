using Streamiz.Kafka.Net;

namespace NovaOps.Streams.Hosting;

/// <summary>Stops a Streamiz app without letting a stuck Kafka consumer hold the caller for good.</summary>
public static class StreamClose
{
    /// <summary>
    /// Disposes the stream, waiting at most <paramref name="timeout"/>. librdkafka can block forever in
    /// <c>consumer_close</c> when a rebalance callback fires during the close (confluentinc/librdkafka#4041):
    /// seen here when the stream threads of one instance leave the group one after the other. Returns
    /// false when it gave up; the stuck thread is left behind (Streamiz threads are foreground threads,
    /// so a process that gave up must end with <see cref="Environment.Exit"/>).
    /// </summary>
    public static async Task<bool> WithinAsync(KafkaStream stream, TimeSpan timeout)
    {
        var close = Task.Run(stream.Dispose);
        if (await Task.WhenAny(close, Task.Delay(timeout)) != close) return false;
        await close;
        return true;
    }
}
