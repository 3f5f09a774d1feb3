using Streamiz.Kafka.Net;

namespace NovaOps.Streams.Hosting;

/// <summary>
/// Whether a stream app still processes with all its stream threads, for its service to exit on when it does not
/// (<see cref="Failure"/>), and when it first ran (<see cref="Running"/>).
/// <para>
/// Why one stopped stream thread is enough: Streamiz 1.8.2 stops a thread for good on an error it cannot pass over
/// (a write refused, a task that fails to close) and, unlike Kafka Streams' REPLACE_THREAD, never starts another.
/// The app still says RUNNING while it works on fewer threads, until the last one stops; worse, a thread whose tasks
/// fail to close never closes its consumer either, whose heartbeats then keep its partitions from the group, unread,
/// until the poll interval (5 min) evicts it. A restart restores both, and a service manager restarts only a process
/// that says so.
/// </para>
/// </summary>
public sealed class StreamLiveness
{
    // Streamiz's client metric of the stream threads neither stopped nor stopping (a public gauge; the threads' own
    // states are internal).
    private const string AliveThreadsMetric = "stream_threads";

    private readonly KafkaStream _stream;
    private readonly int _threads;
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _closing;
    private volatile bool _allStopped;

    /// <param name="threads">The stream threads the app was configured with.</param>
    public StreamLiveness(KafkaStream stream, int threads, string app)
    {
        _stream = stream;
        _threads = threads;
        stream.StateChanged += (_, now) =>
        {
            State = now;
            // Raised before Streamiz stops any thread: threads ending after it are the app's own shutdown.
            if (now == KafkaStream.State.PENDING_SHUTDOWN) _closing = true;
            if (now == KafkaStream.State.RUNNING) _running.TrySetResult();
            if (now == KafkaStream.State.ERROR) _allStopped = true;
            if (now == KafkaStream.State.ERROR || now == KafkaStream.State.NOT_RUNNING)
                _running.TrySetException(new InvalidOperationException($"the {app} app stopped in state {now}"));
        };
    }

    /// <summary>The app's last state.</summary>
    public KafkaStream.State State { get; private set; } = KafkaStream.State.CREATED;

    /// <summary>Completes when the app is first RUNNING (partitions assigned, state restored); fails if it stops before.</summary>
    public Task Running => _running.Task;

    /// <summary>Why the app no longer processes with all its stream threads, or null while it does (or is being closed).</summary>
    public string? Failure
    {
        get
        {
            // ERROR: every stream thread has stopped (Streamiz logs why); nothing reads the partitions any more.
            if (_allStopped) return "every stream thread stopped (the log says why)";
            if (_closing) return null;
            int alive = AliveThreads();
            return alive < _threads
                ? $"{_threads - alive} of its {_threads} stream threads stopped on an error (the log says why) and Streamiz starts no others"
                : null;
        }
    }

    private int AliveThreads()
    {
        foreach (var sensor in _stream.Metrics())
            foreach (var metric in sensor.Metrics.Values)
                if (metric.Name == AliveThreadsMetric) return Convert.ToInt32(metric.Value, System.Globalization.CultureInfo.InvariantCulture);
        return _threads; // not registered yet: the app has not started its threads
    }
}
