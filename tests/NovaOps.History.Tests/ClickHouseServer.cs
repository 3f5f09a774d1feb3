using System.Diagnostics;
using NovaOps.Tests.Shared;

namespace NovaOps.History.Tests;

/// <summary>
/// A real ClickHouse server for the tests (Debian's clickhouse-server, 18.16 here), started as a plain process on
/// 127.0.0.1 with its data in a temporary folder, and stopped after the tests. Null when the binary is missing.
/// </summary>
public sealed class ClickHouseServer : IAsyncLifetime
{
    private BackgroundProcess? _process;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-clickhouse-");

    public int HttpPort { get; private set; }
    public bool Available => _process is not null;

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={HttpPort};Username=default;Password=;JsonReadMode=None;JsonWriteMode=None;set_allow_experimental_low_cardinality_type=1";

    public async ValueTask InitializeAsync()
    {
        if (Repository.Which("clickhouse-server") is not { } server) return;
        HttpPort = LocalPorts.Free();
        string d = _dir.FullName;
        File.WriteAllText(Path.Combine(d, "users.xml"), """
            <?xml version="1.0"?>
            <yandex>
              <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
              <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
              <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
            </yandex>
            """);
        File.WriteAllText(Path.Combine(d, "config.xml"), $"""
            <?xml version="1.0"?>
            <yandex>
              <logger><level>warning</level><console>1</console></logger>
              <http_port>{HttpPort}</http_port>
              <tcp_port>{LocalPorts.Free()}</tcp_port>
              <listen_host>127.0.0.1</listen_host>
              <path>{d}/data/</path>
              <tmp_path>{d}/tmp/</tmp_path>
              <user_files_path>{d}/user_files/</user_files_path>
              <format_schema_path>{d}/format_schemas/</format_schema_path>
              <users_config>{d}/users.xml</users_config>
              <default_profile>default</default_profile>
              <default_database>default</default_database>
              <mark_cache_size>536870912</mark_cache_size>
            </yandex>
            """);
        _process = BackgroundProcess.Start(server, [$"--config-file={Path.Combine(d, "config.xml")}"]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            try { if ((await http.GetStringAsync($"http://127.0.0.1:{HttpPort}/ping")).StartsWith("Ok", StringComparison.Ordinal)) return; }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            if (_process.HasExited) throw new InvalidOperationException($"clickhouse-server exited with {_process.Process.ExitCode}");
            await Task.Delay(200);
        }
        throw new TimeoutException("clickhouse-server did not answer /ping within 30 s");
    }

    public async ValueTask DisposeAsync()
    {
        _process?.Dispose();
        try { _dir.Delete(recursive: true); } catch (IOException) { }
        await ValueTask.CompletedTask;
    }
}
