using ClickHouse.Driver;

namespace NovaOps.History.Schema;

/// <summary>One step of the schema: applied once, in order, recorded in <c>schema_migrations</c>.</summary>
public sealed record Migration(uint Version, string Description, IReadOnlyList<string> Statements);

/// <summary>
/// The history's schema as code: every start applies the migrations the database has not seen yet, in version order,
/// and records each one. A new column or table is a new migration at the end; applied ones never change.
/// </summary>
public static class Migrations
{
    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "telemetry rollups, anomalies, predictions, root causes, actions", [.. HistoryTables.All.Select(t => t.Ddl)]),
    ];

    /// <summary>Applies what is missing; returns the versions applied now.</summary>
    public static async Task<IReadOnlyList<uint>> ApplyAsync(ClickHouseClient client, string database, CancellationToken ct)
    {
        await client.ExecuteNonQueryAsync($"CREATE DATABASE IF NOT EXISTS {database}", null, null, ct);
        await client.ExecuteNonQueryAsync(
            $"CREATE TABLE IF NOT EXISTS {database}.schema_migrations (version UInt32, description String, applied DateTime) ENGINE = TinyLog", null, null, ct);
        var applied = (await HistoryQueries.JsonRowsAsync(client, $"SELECT version FROM {database}.schema_migrations", ct))
            .Select(r => r.GetProperty("version").GetUInt32()).ToHashSet();
        var now = new List<uint>();
        foreach (var m in All.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
        {
            foreach (var sql in m.Statements) await client.ExecuteNonQueryAsync(sql.Replace("{db}", database), null, null, ct);
            await client.ExecuteNonQueryAsync(
                $"INSERT INTO {database}.schema_migrations VALUES ({m.Version}, {HistoryQueries.Literal(m.Description)}, now())", null, null, ct);
            now.Add(m.Version);
        }
        return now;
    }
}
