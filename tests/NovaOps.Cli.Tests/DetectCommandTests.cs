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
            $"{DateTime.UnixEpoch.AddMinutes(5 * i):yyyy-MM-dd HH:mm:ss},{(i == 250 ? 95 : 40 + rng.NextDouble() * 2).ToString(CultureInfo.InvariantCulture)},host-a").ToList();
        rows[100] = $"{DateTime.UnixEpoch.AddMinutes(500):yyyy-MM-dd HH:mm:ss},,host-a"; // a missing value
        var input = Csv("in.csv", ["timestamp,value,host", .. rows]);
        var output = new FileInfo(Path.Combine(_dir.FullName, "out.csv"));

        var result = DetectCommand.Run(input, output, ["value"], "timestamp", Settings, "statistical");

        Assert.Equal((300, 1, "statistical-robust-z/1"), (result.Rows, result.MissingRows, result.Detector));
        Assert.Equal(["value"], result.Columns);
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

        var result = DetectCommand.Run(input, output, ["value"], "timestamp", Settings, detector, likelihood: likelihood);

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
        var e = Assert.Throws<CliException>(() => DetectCommand.Run(input, new FileInfo(Path.Combine(_dir.FullName, "o.csv")), ["value"], "timestamp", Settings));
        Assert.Contains("no column 'value'", e.Message);
        Assert.Contains("cpu", e.Message);
        Assert.Throws<CliException>(() => DetectCommand.Run(new FileInfo("/nonexistent.csv"), new FileInfo(Path.Combine(_dir.FullName, "o.csv")), ["value"], "timestamp", Settings));
        Assert.Throws<CliException>(() => DetectCommand.Run(Csv("empty.csv", []), new FileInfo(Path.Combine(_dir.FullName, "o.csv")), ["value"], "timestamp", Settings));
    }

    [Fact]
    public void A_value_that_is_not_a_number_is_an_error_naming_its_line_and_column_and_writes_nothing()
    {
        var input = Csv("bad.csv", ["timestamp,cpu,mem", "1600000000,1,2", "1600000300,1,2", "1600000600,n/a,2"]);
        var output = new FileInfo(Path.Combine(_dir.FullName, "bad-out.csv"));
        var e = Assert.Throws<CliException>(() => DetectCommand.Run(input, output, null, "timestamp", Settings, "subspace"));
        Assert.Contains("bad.csv line 4, column 'cpu'", e.Message);
        Assert.False(output.Exists);
    }

    [Fact]
    public void The_series_model_on_several_columns_is_a_clear_error()
    {
        var input = Csv("two.csv", ["timestamp,cpu,mem", "1600000000,1,2", "1600000300,1,2"]);
        var e = Assert.Throws<CliException>(() => DetectCommand.Run(input, new FileInfo(Path.Combine(_dir.FullName, "two-out.csv")), null, "timestamp", Settings, "onnx"));
        Assert.Contains("--detector onnx scores a single column", e.Message);
    }

    [Fact]
    public void Scores_every_numeric_column_as_one_row_after_learning_the_history()
    {
        // Two metrics that move together; in the scored part one breaks the relation at row 150 while each stays in its own range.
        var rng = new Random(3);
        string Row(int i, bool broken)
        {
            double a = rng.NextDouble();
            double b = broken ? 1 - a : a + rng.NextDouble() * 0.02;
            return FormattableString.Invariant($"{1_600_000_000 + 300 * i},{a:F4},{b:F4},web-{i % 3}");
        }
        var train = Csv("train.csv", ["timestamp,cpu,net,host", .. Enumerable.Range(0, 500).Select(i => Row(i, false))]);
        var input = Csv("test.csv", ["timestamp,cpu,net,host", .. Enumerable.Range(500, 200).Select(i => Row(i, i is >= 650 and < 660))]);
        var output = new FileInfo(Path.Combine(_dir.FullName, "test-scored.csv"));

        var result = DetectCommand.Run(input, output, null, "timestamp", Settings, "subspace", train: train);

        Assert.Equal(["cpu", "net"], result.Columns);
        var scores = File.ReadAllLines(output.FullName).Skip(1).Select(l => double.Parse(l.Split(',')[4], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(200, scores.Count);
        Assert.All(scores, s => Assert.InRange(s, 0, 1));
        Assert.True(scores[0] > 0, "learnt from the history, the first row is already scored");
        Assert.True(scores.Skip(150).Take(10).Min() > scores.Take(150).Max(), "the broken relation scores above every normal row");
    }
}
