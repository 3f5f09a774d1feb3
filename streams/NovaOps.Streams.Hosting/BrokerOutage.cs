using System.Diagnostics;
using System.Reflection;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace NovaOps.Streams.Hosting;

/// <summary>
/// Waits out a broker that does not answer: a request librdkafka timed out locally is made again until it is answered
/// or <see cref="DefaultLimit"/> has passed. For the requests Streamiz makes outside its poll loop (end offsets before a
/// restore, a topic's partitions before a send), where any exception stops the stream thread for good.
/// </summary>
internal static class BrokerOutage
{
    /// <summary>How long a broker outage is waited out: below the consumer's max.poll.interval (5 min), so the group keeps the thread.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(2);

    public static T Retry<T>(Func<T> request, TimeSpan limit, ILogger log, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return request();
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_TimedOut && clock.Elapsed < limit)
            {
                log.LogWarning("No broker answered for {What} ({Reason}); asking again.", what, e.Error.Reason);
            }
        }
    }
}

/// <summary>
/// An admin client whose metadata requests wait out a broker outage (<see cref="BrokerOutage"/>): Streamiz's producer
/// asks it for a topic's partitions before a send, and a timeout there stopped the RCA app's stream thread during a
/// broker outage (found by `novaops chaos`). Every other call goes to the admin client as it is.
/// </summary>
public class OutageTolerantAdmin : DispatchProxy
{
    private IAdminClient _inner = null!;
    private ILogger _log = null!;

    internal static IAdminClient Wrap(IAdminClient inner, ILogger log)
    {
        var proxy = Create<IAdminClient, OutageTolerantAdmin>();
        var self = (OutageTolerantAdmin)(object)proxy;
        self._inner = inner;
        self._log = log;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        object? Call()
        {
            try { return targetMethod.Invoke(_inner, args); }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
        return targetMethod.Name == nameof(IAdminClient.GetMetadata)
            ? BrokerOutage.Retry(Call, BrokerOutage.DefaultLimit, _log, "the cluster's metadata")
            : Call();
    }
}
