using System.Reflection;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using NovaOps.Streams.Hosting;

namespace NovaOps.Streams.Tests;

/// <summary>Requests Streamiz makes outside its poll loop wait out a broker that does not answer, within a limit.</summary>
public sealed class BrokerOutageTests
{
    private static KafkaException TimedOut() => new(new Error(ErrorCode.Local_TimedOut, "Local: Timed out"));

    [Fact]
    public void A_timed_out_request_is_made_again_until_it_is_answered()
    {
        int calls = 0;
        int answer = BrokerOutage.Retry(() => ++calls < 3 ? throw TimedOut() : 42, TimeSpan.FromMinutes(1), NullLogger.Instance, "a test");
        Assert.Equal(42, answer);
        Assert.Equal(3, calls);
    }

    [Fact]
    public void Past_the_limit_and_for_other_errors_the_exception_goes_on()
    {
        var late = Assert.Throws<KafkaException>(() => BrokerOutage.Retry<int>(() => throw TimedOut(), TimeSpan.Zero, NullLogger.Instance, "a test"));
        Assert.Equal(ErrorCode.Local_TimedOut, late.Error.Code);
        int calls = 0;
        var other = Assert.Throws<KafkaException>(() => BrokerOutage.Retry<int>(() => { calls++; throw new KafkaException(ErrorCode.TopicAuthorizationFailed); },
            TimeSpan.FromMinutes(1), NullLogger.Instance, "a test"));
        Assert.Equal(ErrorCode.TopicAuthorizationFailed, other.Error.Code);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void The_admin_client_asks_for_metadata_again_and_passes_every_other_call_on()
    {
        var flaky = FlakyAdmin.Create(failures: 2);
        var admin = OutageTolerantAdmin.Wrap(flaky, NullLogger.Instance);
        var metadata = admin.GetMetadata("telemetry", TimeSpan.FromSeconds(1));
        Assert.Equal(3, ((FlakyAdmin)(object)flaky).MetadataCalls);
        Assert.Empty(metadata.Topics);
        Assert.Equal("flaky-admin", admin.Name);
    }

    /// <summary>An admin client whose metadata requests time out a number of times first.</summary>
    public class FlakyAdmin : DispatchProxy
    {
        private int _failures;

        public int MetadataCalls { get; private set; }

        public static IAdminClient Create(int failures)
        {
            var proxy = Create<IAdminClient, FlakyAdmin>();
            ((FlakyAdmin)(object)proxy)._failures = failures;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod!.Name switch
        {
            nameof(IAdminClient.GetMetadata) => ++MetadataCalls <= _failures ? throw TimedOut() : new Metadata([], [], -1, "flaky"),
            "get_Name" => "flaky-admin",
            _ => throw new NotSupportedException(targetMethod.Name),
        };
    }
}
