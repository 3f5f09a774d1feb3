using NovaOps.Detection.Offline;

namespace NovaOps.Cli.Tuning;

/// <summary>One point of a grid: a label that says what it sets, and the series settings it makes from the defaults.</summary>
public sealed record Candidate(string Label, Func<SeriesDetectionOptions, SeriesDetectionOptions> Apply);

/// <summary>
/// The grids searched for each detector's parameters, stated here once so that what was tried is part of the code
/// (docs/benchmarks.md shows every point's score). Each grid is the cross product of a few values per parameter.
/// </summary>
public static class ParameterGrid
{
    public static IReadOnlyList<Candidate> For(string detector) => detector switch
    {
        "cad" => Cross(
            [.. new[] { 300, 600, 1000 }.Select(v => Set($"warmup={v}", o => o with { ContextualAnomaly = o.ContextualAnomaly with { WarmUpRows = v } }))],
            [.. new[] { 60, 120, 240 }.Select(v => Set($"rest={v}", o => o with { ContextualAnomaly = o.ContextualAnomaly with { RestRows = v } }))],
            [.. new[] { -1, 0.05, 0.1 }.Select(v => Set($"spatial={(v < 0 ? "off" : v)}", o => o with { ContextualAnomaly = o.ContextualAnomaly with { SpatialTolerance = v } }))]),
        "context" => Cross(
            [.. new[] { 4, 6, 8 }.Select(v => Set($"levels={v}", o => o with { Context = o.Context with { Levels = v } }))],
            [.. new[] { 2, 4, 6 }.Select(v => Set($"order={v}", o => o with { Context = o.Context with { MaxOrder = v } }))],
            [.. new[] { 1.0, 0.5 }.Select(v => Set($"order_weight={v}", o => o with { Context = o.Context with { OrderWeight = v } }))],
            [.. new[] { 300, 600 }.Select(v => Set($"warmup={v}", o => o with { Context = o.Context with { WarmUpRows = v } }))],
            [.. new[] { 60, 120, 240 }.Select(v => Set($"rest={v}", o => o with { Context = o.Context with { RestRows = v } }))],
            [.. new[] { 0.75, 1.0 }.Select(v => Set($"alarm={v}", o => o with { Context = o.Context with { AlarmAbove = v } }))]),
        "subspace" => Cross(
            [.. new[] { 1, 3, 6, 12, 24 }.Select(v => Set($"smoothing={v}", o => o with { Subspace = o.Subspace with { SmoothingRows = v } }))],
            [.. new[] { 0.0, 0.5 }.Select(v => Set($"inside={v}", o => o with { Subspace = o.Subspace with { InsideWeight = v } }))],
            [.. new[] { 0.001, 0.01, 0.05 }.Select(v => Set($"min_sd={v}", o => o with { Subspace = o.Subspace with { MinStandardDeviation = v } }))],
            [.. new[] { 0.8, 0.9, 0.95 }.Select(v => Set($"variance={v}", o => o with { Subspace = o.Subspace with { VarianceExplained = v } }))]),
        _ => throw new CliException($"no parameter grid for detector '{detector}' (grids: cad, context, subspace)"),
    };

    private static Candidate Set(string label, Func<SeriesDetectionOptions, SeriesDetectionOptions> apply) => new(label, apply);

    private static IReadOnlyList<Candidate> Cross(params Candidate[][] axes)
    {
        IEnumerable<Candidate> points = [new Candidate("", o => o)];
        foreach (var axis in axes)
            points = points.SelectMany(p => axis.Select(a => new Candidate(
                p.Label.Length == 0 ? a.Label : $"{p.Label} {a.Label}", o => a.Apply(p.Apply(o)))));
        return [.. points];
    }
}
