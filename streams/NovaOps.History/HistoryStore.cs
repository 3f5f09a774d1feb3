using ClickHouse.Driver;
using NovaOps.History.RowBinary;
using NovaOps.History.Schema;

namespace NovaOps.History;

/// <summary>The history database: migrations at start, RowBinary batch inserts, usage queries. Thread-safe (one HTTP client).</summary>
public sealed class HistoryStore(HistoryOptions options) : IDisposable
{
    private readonly ClickHouseClient _client = new(options.ConnectionString);

    public HistoryOptions Options => options;
    public ClickHouseClient Client => _client;

    public Task<IReadOnlyList<uint>> MigrateAsync(CancellationToken ct) => Migrations.ApplyAsync(_client, options.Database, ct);

    /// <summary>Inserts the writer's rows into <paramref name="table"/> (one HTTP request), then empties the writer; on failure the rows stay for a retry.</summary>
    public async Task InsertAsync(HistoryTable table, RowBinaryWriter rows, CancellationToken ct)
    {
        if (rows.Rows == 0) return;
        using (var data = rows.Snapshot())
        using (var response = await _client.InsertRawStreamAsync($"{options.Database}.{table.Name}", data, "RowBinary", table.Columns, false, null, ct))
            response.EnsureSuccessStatusCode();
        rows.Clear();
    }

    public UsageQueries Usage => new(_client, options.Database);

    public void Dispose() => _client.Dispose();
}
