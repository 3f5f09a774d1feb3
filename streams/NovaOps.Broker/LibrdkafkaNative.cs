using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace NovaOps.Broker;

/// <summary>
/// The parts of librdkafka's C API that Confluent.Kafka does not wrap: the mock cluster.
/// Confluent.Kafka picks one of several librdkafka builds at run time (here
/// <c>centos8-librdkafka.so</c>, since the default one needs libsasl2.so.3). These imports must bind to
/// that very file, or the mock cluster would live in a second copy of the library, so the resolver
/// finds the loaded file in the process's memory map instead of guessing a name.
/// </summary>
internal static partial class LibrdkafkaNative
{
    private const string Lib = "novaops-librdkafka";
    private static readonly Lazy<IntPtr> Handle = new(LoadTheLibraryConfluentLoaded);

    static LibrdkafkaNative()
    {
        NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaNative).Assembly,
            (name, _, _) => name == Lib ? Handle.Value : IntPtr.Zero);
    }

    /// <summary>Forces the static constructor (and so the resolver) to run before the first import.</summary>
    internal static void EnsureResolver() => _ = Handle;

    private static IntPtr LoadTheLibraryConfluentLoaded()
    {
        // Any call into Confluent.Kafka's native layer makes it load its librdkafka.
        _ = Library.Version;
        string? path = FindLoadedLibrdkafka();
        if (path is null)
            throw new DllNotFoundException("librdkafka is not mapped into this process after Confluent.Kafka loaded it");
        return NativeLibrary.Load(path);
    }

    private static string? FindLoadedLibrdkafka()
    {
        const string maps = "/proc/self/maps";
        if (File.Exists(maps))
        {
            foreach (var line in File.ReadLines(maps))
            {
                int slash = line.IndexOf('/');
                if (slash < 0) continue;
                string file = line[slash..];
                if (Path.GetFileName(file).Contains("librdkafka", StringComparison.Ordinal))
                    return file;
            }
        }

        // Not Linux: fall back to the file Confluent.Kafka ships next to its assembly.
        string baseDir = Path.GetDirectoryName(typeof(Library).Assembly.Location) ?? AppContext.BaseDirectory;
        string rid = RuntimeInformation.RuntimeIdentifier;
        string[] candidates = OperatingSystem.IsWindows() ? ["librdkafka.dll"] : OperatingSystem.IsMacOS() ? ["librdkafka.dylib"] : ["librdkafka.so"];
        return candidates.Select(c => Path.Combine(baseDir, "runtimes", rid, "native", c)).FirstOrDefault(File.Exists);
    }

    internal const int RdKafkaProducer = 0;

    [LibraryImport(Lib)] internal static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Lib)] internal static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [LibraryImport(Lib)] internal static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Lib)] internal static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(Lib)] internal static partial void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    [LibraryImport(Lib)] internal static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Lib)] internal static partial int rd_kafka_mock_broker_set_down(IntPtr mcluster, int brokerId);

    [LibraryImport(Lib)] internal static partial int rd_kafka_mock_broker_set_up(IntPtr mcluster, int brokerId);

    [LibraryImport(Lib)] internal static partial int rd_kafka_mock_broker_set_rtt(IntPtr mcluster, int brokerId, int rttMs);

    [LibraryImport(Lib)] internal static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr mcluster, int delayMs);

    [LibraryImport(Lib)] internal static partial void rd_kafka_mock_push_request_errors_array(IntPtr mcluster, short apiKey, UIntPtr count, int[] errors);

    [LibraryImport(Lib)] internal static partial IntPtr rd_kafka_err2str(int err);

    internal static string ErrorText(int err) => Marshal.PtrToStringUTF8(rd_kafka_err2str(err)) ?? $"error {err}";
}
