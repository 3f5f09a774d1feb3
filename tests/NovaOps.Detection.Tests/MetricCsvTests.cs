using NovaOps.Detection.Offline;

namespace NovaOps.Detection.Tests;

public sealed class MetricCsvTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("novaops-csv-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(params string[] lines)
    {
        string path = Path.Combine(_dir.FullName, "m.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Reads_every_numeric_column_but_the_time_in_order_with_empty_cells_missing()
    {
        var t = MetricCsv.Read(Write("timestamp,cpu,host,mem", "1600000000,0.5,web-1,2", "1600000300,,web-1,3"));
        Assert.Equal(["cpu", "mem"], t.Columns);
        Assert.Equal([1_600_000_000_000L, 1_600_000_300_000L], t.TimestampsMs);
        Assert.Equal([0.5, 2], t.Rows[0]);
        Assert.True(double.IsNaN(t.Rows[1][0]));
        Assert.Equal(3, t.Rows[1][1]);
    }

    [Fact]
    public void Reads_the_named_columns_and_dates_as_utc()
    {
        var t = MetricCsv.Read(Write("timestamp,cpu,mem", "2024-01-01 00:05:00,1,2"), ["mem"]);
        Assert.Equal(["mem"], t.Columns);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 5, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), t.TimestampsMs[0]);
        Assert.Equal(2, t.Rows[0][0]);
    }

    [Theory]
    [InlineData("1600000300,abc,2", "line 3, column 'cpu': 'abc' is not a finite number")]
    [InlineData("1600000300,1", "line 3: 2 cells where the header has 3")]
    [InlineData("1600000300,1,2,4", "line 3: 4 cells where the header has 3")]
    [InlineData("yesterday,1,2", "line 3, column 'timestamp': 'yesterday' is neither Unix seconds nor a date and time")]
    [InlineData("1600000300,1,Infinity", "line 3, column 'mem': 'Infinity' is not a finite number")]
    public void A_bad_row_is_an_error_that_names_the_file_line_and_column(string bad, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => MetricCsv.Read(Write("timestamp,cpu,mem", "1600000000,1,2", bad, "1600000600,1,2")));
        Assert.Equal($"m.csv {expected}", e.Message);
    }

    [Fact]
    public void A_missing_column_or_an_empty_file_is_a_clear_error()
    {
        var e = Assert.Throws<InvalidDataException>(() => MetricCsv.Read(Write("timestamp,cpu", "1,2"), ["mem"]));
        Assert.Contains("no column 'mem' (columns: timestamp, cpu)", e.Message);
        Assert.Contains("is empty", Assert.Throws<InvalidDataException>(() => MetricCsv.Read(Write())).Message);
        Assert.Contains("no numeric column", Assert.Throws<InvalidDataException>(() => MetricCsv.Read(Write("timestamp,host", "1,web"))).Message);
        Assert.Throws<FileNotFoundException>(() => MetricCsv.Read(Path.Combine(_dir.FullName, "none.csv")));
    }
}
