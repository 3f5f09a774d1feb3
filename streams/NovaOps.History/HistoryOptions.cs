namespace NovaOps.History;

/// <summary>The ClickHouse history (section <c>History</c>).</summary>
public sealed record HistoryOptions
{
    /// <summary>
    /// ClickHouse.Driver connection string (HTTP). <c>JsonReadMode=None;JsonWriteMode=None</c> and the low-cardinality
    /// setting keep the driver's start-up queries within what old servers (Debian's 18.16) answer.
    /// </summary>
    public string ConnectionString { get; init; } =
        "Host=127.0.0.1;Port=8123;Username=default;Password=;JsonReadMode=None;JsonWriteMode=None;set_allow_experimental_low_cardinality_type=1";

    /// <summary>The database the tables live in (created by the migrations).</summary>
    public string Database { get; init; } = "novaops";

    /// <summary>A table's batch is inserted once it holds this many rows…</summary>
    public int BatchRows { get; init; } = 20_000;

    /// <summary>…or when its oldest row has waited this long.</summary>
    public TimeSpan BatchDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A VM's minute still open after this long without its next sample is closed (the VM stopped reporting).</summary>
    public TimeSpan MinuteIdleClose { get; init; } = TimeSpan.FromMinutes(2);
}
