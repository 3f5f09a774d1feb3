using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace NovaOps.Remediation.Tests;

/// <summary>
/// A real HTTP endpoint on 127.0.0.1 for the webhook actuator: answers each POST with the status the test's
/// function gives for its body (-1: never answers, the client must time out).
/// </summary>
internal sealed class WebhookServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public WebhookServer(Func<string, int> status)
    {
        int port = NovaOps.Tests.Shared.LocalPorts.Free();
        Url = $"http://127.0.0.1:{port}/actions/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                _ = Task.Run(async () =>
                {
                    string body = await new StreamReader(context.Request.InputStream).ReadToEndAsync();
                    Requests.Enqueue((context.Request.Headers["Idempotency-Key"] ?? "", body));
                    int code = status(body);
                    if (code < 0)
                    {
                        try { await Task.Delay(Timeout.Infinite, _stop.Token); } catch (OperationCanceledException) { }
                        return;
                    }
                    context.Response.StatusCode = code;
                    context.Response.Close();
                });
            }
        });
    }

    public string Url { get; }

    /// <summary>Idempotency key and body of every request, in arrival order.</summary>
    public ConcurrentQueue<(string Key, string Body)> Requests { get; } = new();


    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }
}
