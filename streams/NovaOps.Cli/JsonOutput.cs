using System.Text.Json;

namespace NovaOps.Cli;

internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public static void Write(FileInfo? file, object value)
    {
        if (file is null) return;
        file.Directory?.Create();
        File.WriteAllText(file.FullName, JsonSerializer.Serialize(value, Options) + "\n");
    }
}
