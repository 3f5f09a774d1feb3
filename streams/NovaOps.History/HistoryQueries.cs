using System.Globalization;
using System.Text;
using System.Text.Json;
using ClickHouse.Driver;

namespace NovaOps.History;

/// <summary>
/// Reads from the history with <c>FORMAT JSONEachRow</c> and values written into the SQL as escaped literals: what every
/// server version answers (18.16 has neither the driver's typed reads nor query parameters).
/// </summary>
public static class HistoryQueries
{
    public static async Task<List<JsonElement>> JsonRowsAsync(ClickHouseClient client, string sql, CancellationToken ct)
    {
        using var result = await client.ExecuteRawResultAsync($"{sql} FORMAT JSONEachRow", null, ct);
        string text = await result.ReadAsStringAsync();
        var rows = new List<JsonElement>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            rows.Add(JsonDocument.Parse(line).RootElement.Clone());
        return rows;
    }

    /// <summary>A ClickHouse string literal: quotes and backslashes escaped.</summary>
    public static string Literal(string value)
    {
        var sb = new StringBuilder("'");
        foreach (char c in value)
        {
            if (c is '\'' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('\'').ToString();
    }

    public static string Seconds(DateTimeOffset t) => t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
}

/// <summary>One tenant's use of the fleet over a period, from the history.</summary>
public sealed record TenantUsage(string Tenant, DateTimeOffset From, DateTimeOffset To, long Vms, long VmMinutes, double CpuAvg, double CpuPeak, double MemAvg,
    double NetBytes, long Anomalies, long PredictionAlarms, IReadOnlyDictionary<string, long> ActionsExecuted);

/// <summary>Per-customer usage analytics (docs/history.md has the same queries to run by hand).</summary>
public sealed class UsageQueries(ClickHouseClient client, string database)
{
    public async Task<TenantUsage> TenantAsync(string tenant, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        string t = HistoryQueries.Literal(tenant), f = HistoryQueries.Seconds(from), u = HistoryQueries.Seconds(to);
        var usage = (await HistoryQueries.JsonRowsAsync(client, $"""
            SELECT uniqExact(vm) AS vms, count() AS vm_minutes,
                   avgIf(cpu_avg, isFinite(cpu_avg)) AS cpu_avg, maxIf(cpu_max, isFinite(cpu_max)) AS cpu_peak,
                   avgIf(mem_avg, isFinite(mem_avg)) AS mem_avg,
                   sumIf((net_rx_avg + net_tx_avg) * 60, isFinite(net_rx_avg + net_tx_avg)) AS net_bytes
            FROM {database}.telemetry_1m FINAL
            WHERE tenant = {t} AND minute >= toDateTime({f}) AND minute < toDateTime({u})
            """, ct)).Single();
        long anomalies = Count(await HistoryQueries.JsonRowsAsync(client,
            $"SELECT count() AS n FROM {database}.anomalies FINAL WHERE tenant = {t} AND window_start >= toDateTime({f}) AND window_start < toDateTime({u})", ct));
        long alarms = Count(await HistoryQueries.JsonRowsAsync(client,
            $"SELECT count() AS n FROM {database}.predictions FINAL WHERE tenant = {t} AND alarm = 1 AND window_end >= toDateTime({f}) AND window_end < toDateTime({u})", ct));
        var actions = (await HistoryQueries.JsonRowsAsync(client, $"""
            SELECT kind, count() AS n FROM {database}.actions FINAL
            WHERE tenant = {t} AND outcome = 'Executed' AND at >= toDateTime({f}) AND at < toDateTime({u})
            GROUP BY kind ORDER BY kind
            """, ct)).ToDictionary(r => r.GetProperty("kind").GetString()!, r => Number(r.GetProperty("n")));
        return new TenantUsage(tenant, from, to, Number(usage.GetProperty("vms")), Number(usage.GetProperty("vm_minutes")), Real(usage.GetProperty("cpu_avg")),
            Real(usage.GetProperty("cpu_peak")), Real(usage.GetProperty("mem_avg")), Real(usage.GetProperty("net_bytes")), anomalies, alarms, actions);
    }

    private static long Count(List<JsonElement> rows) => Number(rows.Single().GetProperty("n"));

    // JSONEachRow quotes 64-bit integers ("123") and writes nan/inf as null or strings, depending on the version.
    private static long Number(JsonElement e) => e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetInt64();

    private static double Real(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        _ => double.NaN,
    };
}
