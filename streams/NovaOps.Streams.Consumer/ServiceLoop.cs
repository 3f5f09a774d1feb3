namespace NovaOps.Streams.Consumer;

/// <summary>
/// The loop of a plain-consumer service (the remediation executor, the placement service, the history sink): run on a
/// thread of its own until the service is disposed. Starting returns once the consumer has its partitions (the
/// service's handler calls <see cref="Assigned"/>), or with the loop's error if it failed first.
/// </summary>
public sealed class ServiceLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _assigned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _task;

    /// <summary>For the consumer's partitions-assigned handler.</summary>
    public void Assigned() => _assigned.TrySetResult();

    public async Task StartAsync(Func<CancellationToken, Task> loop, CancellationToken ct)
    {
        _task = Task.Factory.StartNew(() => loop(_stop.Token), TaskCreationOptions.LongRunning).Unwrap();
        await Task.WhenAny(_assigned.Task, _task).WaitAsync(ct);
        if (_task.IsFaulted) await _task;
    }

    /// <summary>
    /// Why the loop ended on its own (an error it could not ride out), or null while it runs or once it was stopped:
    /// the service exits on it, so that its service manager restarts it rather than leaving a process that reads nothing.
    /// </summary>
    public string? Failure => _task switch
    {
        { IsFaulted: true } t => t.Exception!.GetBaseException().Message,
        { IsCompleted: true } when !_stop.IsCancellationRequested => "its loop ended",
        _ => null,
    };

    /// <summary>Stops the loop and waits, at most 30 s, for it to write what it holds and close its consumer. Does not rethrow the loop's error (see <see cref="Failure"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_task is not null)
        {
            try { await _task.WaitAsync(TimeSpan.FromSeconds(30)); }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException) { }
            catch (Exception) when (_task.IsFaulted) { } // the loop's own error: reported by Failure, which the service exits on
        }
        _stop.Dispose();
    }
}
