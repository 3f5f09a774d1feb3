using System.Diagnostics;

namespace NovaOps.Cli;

/// <summary>
/// <c>novaops run APP</c> with this binary, as a region's service manager starts it: for the bench and the campaign
/// that run a whole region on one machine.
/// </summary>
public static class ServiceCommands
{
    public static ProcessStartInfo Run(string app, int metricsPort, string bootstrap, NovaOpsSettings region, string stateDirectory,
        IEnumerable<string>? arguments = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet");
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "novaops.dll"), "run", app, "--bootstrap-servers", bootstrap }.Concat(arguments ?? []))
            psi.ArgumentList.Add(a);
        psi.Environment["NOVAOPS__KAFKA__TOPICPREFIX"] = region.Kafka.TopicPrefix;
        psi.Environment["NOVAOPS__KAFKA__PARTITIONS"] = region.Kafka.Partitions.ToString();
        psi.Environment["NOVAOPS__METRICS__PORT"] = metricsPort.ToString();
        psi.Environment["NOVAOPS__STREAMS__STATEDIRECTORY"] = stateDirectory;
        psi.Environment["NOVAOPS__LOGGING__LOGLEVEL__DEFAULT"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) psi.Environment[key] = value;
        return psi;
    }
}
