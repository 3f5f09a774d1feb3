using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace NovaOps.Chaos.Campaign;

/// <summary>
/// One service of the region as the operating system runs it (<c>novaops run APP</c>): started, waited for until it says
/// RUNNING, killed with SIGKILL or stopped, started again; its /metrics read for what it has taken in.
/// </summary>
public sealed partial class ServiceProcess(string app, Func<string, int, ProcessStartInfo> command) : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };
    private readonly int _port = FreePort();
    private Process? _process;
    private readonly List<string> _errors = [];
    private readonly List<string> _output = [];

    public string App { get; } = app;

    /// <summary>How long a start may take before it counts as failed.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(180);

    public bool Running => _process is { HasExited: false };

    /// <summary>Exit code of a process that stopped on its own, or null.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>The service's last log lines on standard error (why it stopped).</summary>
    public string LastErrors { get { lock (_errors) return string.Join(" | ", _errors.TakeLast(5)); } }

    public async Task StartAsync(CancellationToken ct)
    {
        var psi = command(App, _port);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start novaops run {App}");
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            if (line.Trim() == "RUNNING") running.TrySetResult();
            lock (_output) { _output.Add(line); if (_output.Count > 20) _output.RemoveAt(0); }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } line) return;
            lock (_errors) { _errors.Add(line); if (_errors.Count > 50) _errors.RemoveAt(0); }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        // Generous: on two cores with other test assemblies running beside it, a stream app's first group join can be
        // slow; a process that stops ends the wait at once, and a failed start reports its last output and errors.
        await Task.WhenAny(running.Task, process.WaitForExitAsync(ct), Task.Delay(StartTimeout, ct));
        if (!running.Task.IsCompleted)
        {
            string output;
            lock (_output) output = string.Join(" | ", _output.TakeLast(5));
            throw new InvalidOperationException($"novaops run {App} did not start within {StartTimeout.TotalSeconds:0} s" +
                $"{(process.HasExited ? $" (exit code {process.ExitCode})" : "")}: errors: {LastErrors}; last output: {output}");
        }
    }

    /// <summary>SIGKILL: no commit, no flush, no close.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
    }

    /// <summary>
    /// Records taken in so far by this process (its <c>novaops_records_in_total</c>, of every topic or of
    /// <paramref name="topic"/>), or null when it does not answer.
    /// </summary>
    public async Task<double?> RecordsInAsync(CancellationToken ct, string? topic = null)
    {
        if (!Running) return null;
        try
        {
            string text = await Http.GetStringAsync($"http://127.0.0.1:{_port}/metrics", ct);
            return RecordsIn().Matches(text).Where(m => topic is null || m.Groups[1].Value.Contains($"topic=\"{topic}\"", StringComparison.Ordinal))
                .Sum(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested) { return null; }
    }

    [GeneratedRegex(@"^novaops_records_in_total\{([^}]*)\} (\S+)", RegexOptions.Multiline)]
    private static partial Regex RecordsIn();

    /// <summary>Resident memory now and at its peak (Linux's VmRSS and VmHWM), in bytes; zeros once it has exited.</summary>
    public (long Rss, long Peak) Memory()
    {
        long rss = 0, peak = 0;
        if (_process is not { HasExited: false } p) return (rss, peak);
        try
        {
            foreach (var line in File.ReadLines($"/proc/{p.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kb(line);
            }
        }
        catch (IOException) { } // exited meanwhile
        return (rss, peak);

        static long Kb(string line) => long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
    }
}
