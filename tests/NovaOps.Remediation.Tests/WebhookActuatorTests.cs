using NovaOps.Contracts;
using NovaOps.Remediation.Actuators;

namespace NovaOps.Remediation.Tests;

public class WebhookActuatorTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    private static ActionCommand Restart(string id) =>
        new(id, ActionKind.RestartVm, "vm-1", NodeKind.Vm, new Dictionary<string, string> { ["grace_s"] = "30" }, false, "test", 1);

    [Fact]
    public async Task Posts_the_action_as_json_with_its_idempotency_key()
    {
        using var server = new WebhookServer(_ => 202);
        using var webhook = new WebhookActuator(new WebhookOptions { Url = server.Url });
        var result = await webhook.ExecuteAsync(Restart("p:vm-1:5/0"), Ct);
        Assert.True(result.Succeeded);
        Assert.Equal(1, result.Attempts);
        var (key, body) = Assert.Single(server.Requests);
        Assert.Equal("p:vm-1:5/0", key);
        var json = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Equal("restart_vm", json.GetProperty("action").GetString());
        Assert.Equal("vm-1", json.GetProperty("target").GetString());
        Assert.Equal("30", json.GetProperty("parameters").GetProperty("grace_s").GetString());
    }

    [Fact]
    public async Task A_refusal_is_not_retried_but_a_server_error_is()
    {
        using var refusing = new WebhookServer(_ => 403);
        using (var webhook = new WebhookActuator(new WebhookOptions { Url = refusing.Url, RetryDelay = TimeSpan.FromMilliseconds(1) }))
        {
            var result = await webhook.ExecuteAsync(Restart("a/0"), Ct);
            Assert.False(result.Succeeded);
            Assert.Equal(1, result.Attempts);
            Assert.Contains("403", result.Error);
        }
        int calls = 0;
        using var flaky = new WebhookServer(_ => Interlocked.Increment(ref calls) < 3 ? 503 : 200);
        using var retrying = new WebhookActuator(new WebhookOptions { Url = flaky.Url, RetryDelay = TimeSpan.FromMilliseconds(1), BreakerMinimumCalls = 100 });
        var ok = await retrying.ExecuteAsync(Restart("b/0"), Ct);
        Assert.True(ok.Succeeded);
        Assert.Equal(3, ok.Attempts);
        Assert.All(flaky.Requests, r => Assert.Equal("b/0", r.Key)); // the same key on every retry
    }

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_and_then_fails_fast_without_calling()
    {
        using var server = new WebhookServer(_ => 500);
        using var webhook = new WebhookActuator(new WebhookOptions
        {
            Url = server.Url, MaxRetries = 0, BreakerMinimumCalls = 2, BreakerFailureRatio = 0.5, BreakDuration = TimeSpan.FromMinutes(1),
        });
        await webhook.ExecuteAsync(Restart("a/0"), Ct);
        await webhook.ExecuteAsync(Restart("b/0"), Ct);
        var fast = await webhook.ExecuteAsync(Restart("c/0"), Ct);
        Assert.False(fast.Succeeded);
        Assert.Contains("circuit open", fast.Error);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public void A_bad_url_is_a_clear_error_at_start()
    {
        var e = Assert.Throws<ArgumentException>(() => new WebhookActuator(new WebhookOptions { Url = "ftp://x" }));
        Assert.Contains("Remediation:Webhook:Url", e.Message);
    }
}
