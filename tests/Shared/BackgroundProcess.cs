using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NovaOps.Tests.Shared;

/// <summary>
/// A server or tool a test runs beside it (a broker, Prometheus, ClickHouse, a `novaops` command): its output drained
/// line by line (into a log the test can print, and to an optional handler), the whole process tree killed on dispose.
/// </summary>
public sealed class BackgroundProcess : IDisposable
{
    private BackgroundProcess(Process process) => Process = process;

    public Process Process { get; }
    public bool HasExited => Process.HasExited;

    /// <param name="log">Where output lines go, prefixed with <paramref name="name"/> (stderr lines with a '!').</param>
    public static BackgroundProcess Start(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null,
        StringBuilder? log = null, string? name = null, Action<string>? onLine = null)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        var process = System.Diagnostics.Process.Start(psi)!;
        name ??= Path.GetFileName(file);
        void Log(string line)
        {
            if (log is null) return;
            lock (log) log.AppendLine(line);
        }
        process.OutputDataReceived += (_, e) => { if (e.Data is { } l) { Log($"[{name}] {l}"); onLine?.Invoke(l); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) Log($"[{name}!] {l}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BackgroundProcess(process);
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
