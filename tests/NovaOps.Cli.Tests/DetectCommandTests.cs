using System.Globalization;
using NovaOps.Cli;
using NovaOps.Cli.Commands;

namespace NovaOps.Cli.Tests;

public sealed class DetectCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-detect-");
    private static readonly NovaOpsSettings Settings = NovaOpsSettings.Load();

    public void Dispose() => _dir.Delete(recursive: true);

    private FileInfo Csv(string name, IEnumerable<string> lines)
    {
        var f = new FileInfo(Path.Combine(_dir.FullName, name));
        File.WriteAllLines(f.FullName, lines);
        return f;
    }

    [Fact]
    public void Scores_every_row_keeps_the_input_columns_and_flags_the_spike()
    {
        var rng = new Random(4);
        var rows = Enumerable.Range(0, 300).Select(i =>
            $"2024-01-01 {i / 12:00}:{i % 12 * 5:00}:00,{(i == 250 ? 95 : 40 + rng.NextDouble() * 2).ToString(CultureInfo.InvariantCulture)},host-a").ToList();
        rows[100] = "2024-01-01 08:20:00,n/a,host-a"; // a value that is not a number
        var input = Csv("in.csv", ["timestamp,value,host", .. rows]);
        var output = new FileInfo(Path.Combine(_dir.FullName, "out.csv"));

        var result = DetectCommand.Run(input, output, "value", "timestamp", Settings);

        Assert.Equal(new DetectCommand.DetectResult(300, 1, "statistical-robust-z/1"), result);
        var lines = File.ReadAllLines(output.FullName);
        Assert.Equal("timestamp,value,host,anomaly_score", lines[0]);
        Assert.Equal(301, lines.Length);
        var scores = lines.Skip(1).Select(l => double.Parse(l.Split(',')[3], CultureInfo.InvariantCulture)).ToList();
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        Assert.Equal(0, scores[100]);
        Assert.Equal(250, scores.IndexOf(scores.Max()));
        Assert.StartsWith(rows[7], lines[8]);
    }

    [Theory]
    [InlineData("onnx", false, "series-autoencoder/1")]
    [InlineData("onnx", true, "likelihood(series-autoencoder/1)")]
    [InlineData("combined", true, "combined(likelihood(statistical-robust-z/1), likelihood(series-autoencoder/1))")]
    public void Scores_with_the_series_model_and_its_likelihood(string detector, bool likelihood, string name)
    {
        // A daily-ish wave with noise, then a level shift that lasts: every detector should put its highest score there.
        var rng = new Random(8);
        var rows = Enumerable.Range(0, 2000).Select(i =>
        {
            double v = 50 + 10 * Math.Sin(i * 2 * Math.PI / 288) + rng.NextDouble() * 2 + (i >= 1800 ? 60 : 0);
            return $"{DateTime.UnixEpoch.AddMinutes(5 * i):yyyy-MM-dd HH:mm:ss},{v.ToString(CultureInfo.InvariantCulture)}";
        });
        var input = Csv("wave.csv", ["timestamp,value", .. rows]);
        var output = new FileInfo(Path.Combine(_dir.FullName, "wave-scored.csv"));

        var result = DetectCommand.Run(input, output, "value", "timestamp", Settings, detector, likelihood: likelihood);

        Assert.Equal(name, result.Detector);
        var scores = File.ReadAllLines(output.FullName).Skip(1).Select(l => double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture)).ToList();
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        int top = scores.IndexOf(scores.Max());
        Assert.InRange(top, 1800, 1815);
    }

    [Fact]
    public void A_missing_column_or_file_is_a_clear_error()
    {
        var input = Csv("in.csv", ["timestamp,cpu", "2024-01-01 00:00:00,1"]);
        var e = Assert.Throws<CliException>(() => DetectCommand.Run(input, new FileInfo(Path.Combine(_dir.FullName, "o.csv")), "value", "timestamp", Settings));
        Assert.Contains("no column 'value'", e.Message);
        Assert.Contains("cpu", e.Message);
        Assert.Throws<CliException>(() => DetectCommand.Run(new FileInfo("/nonexistent.csv"), new FileInfo(Path.Combine(_dir.FullName, "o.csv")), "value", "timestamp", Settings));
        Assert.Throws<CliException>(() => DetectCommand.Run(Csv("empty.csv", []), new FileInfo(Path.Combine(_dir.FullName, "o.csv")), "value", "timestamp", Settings));
    }
}
