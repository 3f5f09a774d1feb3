using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace NovaOps.Tests.Shared;

/// <summary>
/// A server or tool a test runs beside it (a broker, Prometheus, ClickHouse, a `novaops` command): its output drained
/// line by line as it comes (so a full pipe never blocks it) into a log the test can print, to an optional handler, and
/// kept for <see cref="WaitForLineAsync"/> and <see cref="StandardError"/>; the whole process tree killed on dispose.
/// </summary>
public sealed class BackgroundProcess : IDisposable
{
    private readonly Channel<string> _unread = Channel.CreateUnbounded<string>(new() { SingleWriter = true });
    private readonly List<string> _output = [];
    private readonly List<string> _errors = [];

    private BackgroundProcess(Process process) => Process = process;

    public Process Process { get; }
    public bool HasExited => Process.HasExited;
    public int ExitCode => Process.ExitCode;

    /// <summary>What it wrote to standard output so far (with a process that has exited: all of it).</summary>
    public string StandardOutput { get { lock (_output) return string.Join("\n", _output); } }

    /// <summary>What it wrote to standard error so far (a service's log lines).</summary>
    public string StandardError { get { lock (_errors) return string.Join("\n", _errors); } }

    /// <param name="log">Where output lines go, prefixed with <paramref name="name"/> (stderr lines with a '!').</param>
    public static BackgroundProcess Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null,
        StringBuilder? log = null, string? name = null, Action<string>? onLine = null)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var started = new BackgroundProcess(System.Diagnostics.Process.Start(psi)!);
        started.Drain(name ?? Path.GetFileName(file), log, onLine);
        return started;
    }

    private void Drain(string name, StringBuilder? log, Action<string>? onLine)
    {
        void Log(string line)
        {
            if (log is null) return;
            lock (log) log.AppendLine(line);
        }
        Process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } l) { _unread.Writer.TryComplete(); return; }
            lock (_output) _output.Add(l);
            _unread.Writer.TryWrite(l);
            Log($"[{name}] {l}");
            onLine?.Invoke(l);
        };
        Process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } l) return;
            lock (_errors) _errors.Add(l);
            Log($"[{name}!] {l}");
        };
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    /// <summary>
    /// The next standard output line starting with <paramref name="prefix"/> (lines are taken in order: an earlier
    /// wait's lines are not seen again). Fails with the process's standard error if it ends first or time runs out.
    /// </summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await foreach (string line in _unread.Reader.ReadAllAsync(deadline.Token))
                if (line.StartsWith(prefix, StringComparison.Ordinal)) return line;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"no line starting {prefix} within {timeout}; standard error:\n{StandardError}");
        }
        throw new InvalidOperationException($"process ended without printing {prefix}; standard error:\n{StandardError}");
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
        Process.Dispose();
    }
}

/// <summary>Ports for servers the tests start on 127.0.0.1.</summary>
public static class LocalPorts
{
    /// <summary>A port free now (the OS's pick for a listener, released at once).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
