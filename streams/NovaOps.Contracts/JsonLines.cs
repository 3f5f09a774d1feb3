using System.IO.Compression;
using Google.Protobuf;

namespace NovaOps.Contracts;

/// <summary>
/// Records on disk: one protobuf-JSON message a line (what kcat and jq read), gzip-compressed when the file name ends
/// in <c>.gz</c>. Demo runs (<c>demo --run-dir</c>), recordings of a region's topics (<c>novaops record</c>) and the
/// datasets trained from them (<c>train --data</c>) share this form.
/// </summary>
public static class JsonLines
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>Writes the records, one a line; returns how many.</summary>
    public static long Write<T>(string path, IEnumerable<T> records) where T : IMessage
    {
        using var writer = CreateWriter(path);
        long n = 0;
        foreach (var r in records)
        {
            writer.WriteLine(Format(r));
            n++;
        }
        return n;
    }

    /// <summary>One record as its line (no line break).</summary>
    public static string Format(IMessage record) => JsonFormatter.Default.Format(record);

    /// <summary>A writer of lines to <paramref name="path"/>, compressed for <c>.gz</c>.</summary>
    public static StreamWriter CreateWriter(string path)
    {
        Stream stream = File.Create(path);
        if (IsCompressed(path)) stream = new GZipStream(stream, CompressionLevel.Fastest);
        return new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16);
    }

    /// <summary>
    /// Reads the records lazily, in file order. A line that is not such a record is an
    /// <see cref="InvalidDataException"/> naming the file and line: a damaged file is not silently half-read.
    /// </summary>
    /// <param name="progress">Told the share of the file read so far, now and then.</param>
    public static IEnumerable<T> Read<T>(string path, IProgress<double>? progress = null) where T : IMessage<T>, new()
    {
        // Checked here, not on the first MoveNext: the caller hears of a missing file where it asks for it.
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing", path);
        return ReadLines<T>(path, progress);
    }

    private static IEnumerable<T> ReadLines<T>(string path, IProgress<double>? progress) where T : IMessage<T>, new()
    {
        using var file = File.OpenRead(path);
        using Stream stream = IsCompressed(path) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 1 << 16);
        long line = 0;
        while (ReadLine(reader, path, line + 1) is { } text)
        {
            line++;
            if (progress is not null && line % 8192 == 0) progress.Report((double)file.Position / Math.Max(1, file.Length));
            if (text.Length == 0) continue;
            T record;
            try { record = Parser.Parse<T>(text); }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
            {
                // A writer killed mid-line leaves half a record at the end (and .NET reads a cut .gz to its cut silently).
                throw new InvalidDataException(reader.EndOfStream
                    ? $"{path}:{line}: the file ends inside a record: it was cut short (a recording stopped hard?); its last line is not a whole {typeof(T).Name}"
                    : $"{path}:{line}: not a {typeof(T).Name} record: {e.Message}");
            }
            yield return record;
        }
        progress?.Report(1);
    }

    // A damaged .gz (bad bytes, not a cut: .NET ends a cut one quietly) fails inside the reader: say where.
    private static string? ReadLine(StreamReader reader, string path, long line)
    {
        try { return reader.ReadLine(); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}:{line}: {e.Message}", e); }
    }

    /// <summary>The file of <paramref name="name"/> in <paramref name="directory"/>, plain or gzip-compressed, whichever is there (null: neither).</summary>
    public static string? Find(string directory, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz" })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static bool IsCompressed(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
}
