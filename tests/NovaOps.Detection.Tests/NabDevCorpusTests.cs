using NovaOps.Detection.Offline;
using NovaOps.Detection.Statistical;
using NovaOps.Evaluation.Nab;

namespace NovaOps.Detection.Tests;

/// <summary>The detector on NAB's development subset, beside the repository (CI has it there too).</summary>
public class NabDevCorpusTests
{
    internal static string Dataset() => NovaOps.Tests.Shared.SharedDatasets.Require("nab-dev", "NAB development subset");

    [Fact]
    public void Statistical_detector_beats_the_null_detector_on_nab_dev()
    {
        string nab = Dataset();
        var files = NabCorpus.Load(Path.Combine(nab, "data"), Path.Combine(nab, "combined_windows.json"));
        Assert.Equal(28, files.Count);
        var series = files.Select(f =>
        {
            var scorer = new SeriesDetectionOptions().CreateScorer();
            var scores = f.Values.Select((v, i) => scorer.Next(new DateTimeOffset(f.Timestamps[i]).ToUnixTimeMilliseconds(), v)).ToList();
            return new NabSeries(f.Name, scores, f.WindowRows());
        }).ToList();
        // Well above the windowed-Gaussian and random baselines of the dataset README (26.5 / 37.1 and 20.8 / 29.5).
        var standard = NabScorer.Score(series, NabProfile.Defaults[0]);
        var lowFn = NabScorer.Score(series, NabProfile.Defaults[2]);
        Assert.True(standard.NormalisedScore > 40, $"standard score {standard.NormalisedScore:F1}");
        Assert.True(lowFn.NormalisedScore > 50, $"reward_low_FN_rate score {lowFn.NormalisedScore:F1}");
    }

    [Fact]
    public void Missing_or_mismatched_corpus_is_a_clear_error()
    {
        var dir = Directory.CreateTempSubdirectory("nab-");
        try
        {
            var e = Assert.Throws<DirectoryNotFoundException>(() => NabCorpus.Load(Path.Combine(dir.FullName, "nope"), "w.json"));
            Assert.Contains("nope", e.Message);
            string windows = Path.Combine(dir.FullName, "windows.json");
            File.WriteAllText(windows, "{\"cat/a.csv\": []}");
            Assert.Throws<InvalidDataException>(() => NabCorpus.Load(dir.FullName, windows)); // no series of the windows file there
            Directory.CreateDirectory(Path.Combine(dir.FullName, "cat"));
            File.WriteAllText(Path.Combine(dir.FullName, "cat", "a.csv"), "timestamp,value\n2024-01-01 00:00:00\n");
            Assert.Throws<InvalidDataException>(() => NabCorpus.Load(dir.FullName, windows)); // a row without a value column
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
