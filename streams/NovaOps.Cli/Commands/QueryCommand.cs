using System.CommandLine;
using System.Globalization;
using NovaOps.History;
using Spectre.Console;

namespace NovaOps.Cli.Commands;

/// <summary><c>novaops query usage --tenant T [--from …] [--to …]</c>: a customer's use of the fleet, from the ClickHouse history.</summary>
public static class QueryCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console) => new("query", "Query the ClickHouse history") { Usage(settings, console) };

    private static Command Usage(NovaOpsSettings settings, IAnsiConsole console)
    {
        var tenant = new Option<string>("--tenant") { Description = "The tenant (customer) id", Required = true };
        var from = new Option<string?>("--from") { Description = "Start, ISO 8601 (default: 30 days before --to)" };
        var to = new Option<string?>("--to") { Description = "End, ISO 8601, exclusive (default: now)" };
        var json = CommonOptions.Json("the usage");
        var cmd = new Command("usage", "A tenant's VMs, VM-minutes, CPU and memory, network bytes, anomalies, incident alarms and actions over a period") { tenant, from, to, json };
        cmd.SetAction(async (parse, ct) =>
        {
            var end = Time(parse.GetValue(to), "--to") ?? DateTimeOffset.UtcNow;
            var start = Time(parse.GetValue(from), "--from") ?? end.AddDays(-30);
            if (start >= end) throw new CliException("--from must be before --to");
            using var store = new HistoryStore(settings.History);
            TenantUsage usage;
            try { usage = await store.Usage.TenantAsync(parse.GetValue(tenant)!, start, end, ct); }
            catch (HttpRequestException e) { throw new CliException($"ClickHouse is not reachable ({e.Message}): set History:ConnectionString (NOVAOPS__HISTORY__CONNECTIONSTRING)"); }
            var table = new Table().Title($"usage of {Markup.Escape(usage.Tenant)}, {start:u} – {end:u}").AddColumns("", "value")
                .AddRow("VMs reporting", $"{usage.Vms:N0}")
                .AddRow("VM-minutes", $"{usage.VmMinutes:N0}")
                .AddRow("CPU: mean / peak (%)", $"{usage.CpuAvg:0.0} / {usage.CpuPeak:0.0}")
                .AddRow("memory: mean (%)", $"{usage.MemAvg:0.0}")
                .AddRow("network (GB in + out)", $"{usage.NetBytes / 1e9:N2}")
                .AddRow("anomalies", $"{usage.Anomalies:N0}")
                .AddRow("incident alarms", $"{usage.PredictionAlarms:N0}");
            foreach (var (kind, n) in usage.ActionsExecuted) table.AddRow($"actions executed: {Markup.Escape(kind)}", $"{n:N0}");
            console.Write(table);
            JsonOutput.Write(parse.GetValue(json), usage);
            return 0;
        });
        return cmd;
    }

    private static DateTimeOffset? Time(string? value, string option) =>
        value is null ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
        : throw new CliException($"{option} '{value}' is not a date (ISO 8601, e.g. 2026-11-01 or 2026-11-01T12:00:00Z)");
}
