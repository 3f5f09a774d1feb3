using NovaOps.Streams.Consumer;

namespace NovaOps.Streams.Tests;

/// <summary>The plain-consumer services' loop: a loop that dies on its own says why; one stopped by its service does not.</summary>
public class ServiceLoopTests
{
    [Fact]
    public async Task A_loop_that_fails_after_it_started_reports_why_and_its_service_still_disposes()
    {
        var loop = new ServiceLoop();
        var fail = new TaskCompletionSource();
        await loop.StartAsync(async _ =>
        {
            loop.Assigned();
            await fail.Task;
            throw new InvalidOperationException("the consumer was closed under the loop");
        }, CancellationToken.None);
        Assert.Null(loop.Failure);

        fail.SetResult();
        await KafkaScenario.WaitFor(() => loop.Failure is not null, TimeSpan.FromSeconds(10));
        Assert.Equal("the consumer was closed under the loop", loop.Failure);
        await loop.DisposeAsync(); // does not rethrow: the service exits on Failure
    }

    [Fact]
    public async Task A_loop_stopped_by_its_service_is_no_failure()
    {
        var loop = new ServiceLoop();
        await loop.StartAsync(async ct =>
        {
            loop.Assigned();
            try { await Task.Delay(Timeout.Infinite, ct); } catch (OperationCanceledException) { }
        }, CancellationToken.None);
        Assert.Null(loop.Failure);
        await loop.DisposeAsync();
        Assert.Null(loop.Failure);
    }
}
