using NovaOps.Contracts;
using NovaOps.Remediation;
using NovaOps.Remediation.Actuators;
using NovaOps.Remediation.Guardrails;
using NovaOps.Remediation.Runbooks;
using NovaOps.Remediation.Triggers;

namespace NovaOps.Remediation.Tests;

/// <summary>A small fleet for the executor tests: zones of VMs on hosts, tenants, and triggers about them.</summary>
internal static class Fleet
{
    public const long T0 = 1_700_000_000_000;

    /// <summary>Telemetry of every VM of <paramref name="zones"/> zones × <paramref name="vmsPerZone"/> VMs (10 per host, 4 tenants), all normal.</summary>
    public static IEnumerable<TelemetrySample> Samples(int zones, int vmsPerZone, long atMs, double mem = 50, double cpu = 30)
    {
        for (int z = 0; z < zones; z++)
            for (int v = 0; v < vmsPerZone; v++)
                yield return Sample($"vm-{z}-{v}", atMs, mem, cpu);
    }

    public static TelemetrySample Sample(string vm, long atMs, double mem = 50, double cpu = 30)
    {
        var parts = vm.Split('-');
        int z = int.Parse(parts[1]), v = int.Parse(parts[2]);
        return new TelemetrySample
        {
            SchemaVersion = SchemaVersions.Telemetry, VmId = vm, TimestampMs = atMs, Region = "eu-west", Zone = $"zone-{z}", Host = $"host-{z}-{v / 10}",
            TenantId = $"tenant-{v % 4}", TenantTier = TenantTier.Gold, CpuUtil = cpu, MemUtil = mem, DiskUtil = 40, DiskIoWait = 2,
            NetRxBytes = 1e6, NetTxBytes = 1e6, LatencyP99Ms = 80, ErrorRate = 0.001,
        };
    }

    public static Trigger Prediction(string vm, long atMs, string metric = MetricNames.MemUtil, double p = 0.97, string? key = null)
    {
        var s = Sample(vm, atMs);
        return new Trigger(key ?? $"prediction:{vm}:{atMs}:m/1", TriggerSource.Prediction, vm, NodeKind.Vm, s.Zone, s.Host, s.TenantId, s.TenantTier, p, metric, atMs);
    }

    /// <param name="coverage">The share of the host's VMs among the incident's anomalous ones.</param>
    public static Trigger HostRootCause(string host, string zone, long atMs, double coverage = 1) =>
        new($"root_cause:inc-{host}:{host}", TriggerSource.RootCause, host, NodeKind.Host, zone, host, "", TenantTier.Unspecified, 0.8, null, atMs,
            HostCoverage: coverage);

    public static RunbookSet Runbooks(string yaml) => new(RunbookLoader.Parse(yaml, "test.yaml"));

    public const string Restart = """
        runbooks:
          - name: leak
            match: { triggers: [prediction], top_metrics: [mem_util], min_confidence: 0.9 }
            actions:
              - action: restart_vm
                verify: { metric: mem_util, below: 80, within: 10m }
              - action: live_migrate
                verify: { metric: mem_util, below: 80, within: 10m }
              - action: page_human
        """;

    /// <summary>Guardrails wide open but for the one a test looks at.</summary>
    public static GuardrailOptions Open => new()
    {
        MaxConcurrent = 1_000_000, MaxConcurrentPerZone = 1_000_000, MaxActionsPerWindow = 1_000_000, MaxZoneShare = 1, MaxTenantShare = 1,
        Cooldown = TimeSpan.FromMinutes(30),
    };

    public static RemediationExecutor Executor(string yaml, IActuator actuator, GuardrailOptions? guardrails = null, bool dryRun = false, int zones = 2, int vmsPerZone = 100)
    {
        var executor = new RemediationExecutor(Runbooks(yaml), new RemediationOptions { Guardrails = guardrails ?? Open, DryRun = dryRun }, actuator, new FleetInventory());
        foreach (var s in Samples(zones, vmsPerZone, T0 - 60_000)) executor.ObserveAsync(s).GetAwaiter().GetResult();
        return executor;
    }
}

/// <summary>An actuator that records what it is asked and answers as told (the executor's own logic under test; the webhook has its own HTTP tests).</summary>
internal sealed class RecordingActuator(Func<ActionCommand, ActuatorResult>? answer = null) : IActuator
{
    public List<ActionCommand> Commands { get; } = [];

    public Task<ActuatorResult> ExecuteAsync(ActionCommand command, CancellationToken ct)
    {
        Commands.Add(command);
        return Task.FromResult(answer?.Invoke(command) ?? ActuatorResult.Ok());
    }
}
