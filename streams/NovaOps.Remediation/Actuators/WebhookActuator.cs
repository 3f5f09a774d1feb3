using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using NovaOps.Remediation.Runbooks;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace NovaOps.Remediation.Actuators;

/// <summary>The control plane's (or pager's) HTTP endpoint, and how hard to try it (section <c>Remediation:Webhook</c>).</summary>
public sealed record WebhookOptions
{
    /// <summary>Where actions are POSTed as JSON.</summary>
    public string Url { get; init; } = "";

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public int MaxRetries { get; init; } = 3;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The circuit opens when this share of calls fails within <see cref="BreakerWindow"/> (at least <see cref="BreakerMinimumCalls"/> calls)…</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;
    public int BreakerMinimumCalls { get; init; } = 5;
    public TimeSpan BreakerWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>…and stays open this long: calls fail at once instead of piling onto a control plane that is down.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// POSTs each action as JSON to a webhook. Polly: a timeout per attempt, retries with exponential back-off and
/// jitter on transport errors, timeouts, 408, 429 and 5xx, and a circuit breaker under the retries that counts
/// every attempt (the order of Microsoft.Extensions.Http.Resilience's standard pipeline); a 4xx other than those
/// is the endpoint refusing the action and is not retried.
/// </summary>
public sealed class WebhookActuator : IActuator, IDisposable
{
    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public WebhookActuator(WebhookOptions options, HttpMessageHandler? handler = null)
    {
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new ArgumentException($"Remediation:Webhook:Url '{options.Url}' is not an http(s) URL");
        _options = options;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan; // Polly times each attempt
        var retryable = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(r => r.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxRetries > 0) // Polly refuses a retry strategy of no retries
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = retryable,
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            });
        _pipeline = builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = retryable,
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumCalls,
                SamplingDuration = options.BreakerWindow,
                BreakDuration = options.BreakDuration,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    public async Task<ActuatorResult> ExecuteAsync(ActionCommand command, CancellationToken ct)
    {
        int attempts = 0;
        var body = new WebhookBody(command.ActionId, RunbookLoader.ActionName(command.Kind), command.Target, command.TargetKind.ToString().ToLowerInvariant(),
            command.Parameters, command.Undo, command.Reason, command.AtMs);
        try
        {
            using var response = await _pipeline.ExecuteAsync(async token =>
            {
                attempts++;
                using var content = JsonContent.Create(body);
                // The action id travels as the idempotency key: a retried POST that did reach the endpoint is not applied twice there.
                using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url) { Content = content };
                request.Headers.Add("Idempotency-Key", command.ActionId);
                return await _http.SendAsync(request, token);
            }, ct);
            return response.IsSuccessStatusCode ? ActuatorResult.Ok(attempts)
                : ActuatorResult.Failed(attempts, $"{_options.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (BrokenCircuitException)
        {
            return ActuatorResult.Failed(attempts, $"circuit open: {_options.Url} failed too often; not called for {_options.BreakDuration.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            return ActuatorResult.Failed(attempts, $"{_options.Url}: {e.Message}");
        }
    }

    public void Dispose() => _http.Dispose();

    private sealed record WebhookBody(
        [property: JsonPropertyName("action_id")] string ActionId,
        [property: JsonPropertyName("action")] string Action,
        [property: JsonPropertyName("target")] string Target,
        [property: JsonPropertyName("target_kind")] string TargetKind,
        [property: JsonPropertyName("parameters")] IReadOnlyDictionary<string, string> Parameters,
        [property: JsonPropertyName("undo")] bool Undo,
        [property: JsonPropertyName("reason")] string Reason,
        [property: JsonPropertyName("at_ms")] long AtMs);
}
