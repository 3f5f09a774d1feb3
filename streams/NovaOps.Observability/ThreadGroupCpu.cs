using System.Runtime.InteropServices;

namespace NovaOps.Observability;

/// <summary>
/// CPU time of this process's threads whose name starts with a prefix (a stream app's threads are named after
/// its application id), read from /proc/self/task: what a benchmark divides a step's own CPU time by, to say
/// what share of the app's work the step is. Linux only; elsewhere <see cref="Seconds"/> returns null.
/// </summary>
public static partial class ThreadGroupCpu
{
    private const int ScClockTicks = 2; // _SC_CLK_TCK
    private const int ThreadNameLength = 15; // Linux keeps the first 15 bytes of a thread's name

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);

    public static double? Seconds(string namePrefix)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists("/proc/self/task")) return null;
        string prefix = namePrefix.Length > ThreadNameLength ? namePrefix[..ThreadNameLength] : namePrefix;
        double ticksPerSecond = SysConf(ScClockTicks);
        if (ticksPerSecond <= 0) return null;
        long ticks = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n').StartsWith(prefix, StringComparison.Ordinal)) continue;
                // Fields after the name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
            }
            catch (IOException) { } // the thread ended meanwhile
        }
        return ticks / ticksPerSecond;
    }
}
