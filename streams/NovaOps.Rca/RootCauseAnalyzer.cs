using NovaOps.Rca.Evidence;
using NovaOps.Rca.Methods;

namespace NovaOps.Rca;

/// <summary>A ranked candidate: how strongly the method points at it, the metrics that moved, and how the problem reached the symptom.</summary>
/// <param name="PathToSymptom">Cause first, symptom last; empty when the graph has no chain of calls from the symptom to it.</param>
public sealed record RootCauseCandidate(string Node, double Score, double Magnitude, long? ChangedAt, IReadOnlyList<MetricChange> Evidence, IReadOnlyList<string> PathToSymptom);

/// <summary>The ranking of one case by one method; <paramref name="Note"/> says why it is empty when it is.</summary>
public sealed record RcaResult(string Method, string Version, string Symptom, IReadOnlyList<RootCauseCandidate> Candidates, string? Note = null);

/// <summary>
/// Ranks the root-cause candidates of a case with a chosen method. The same code serves the RCA topology
/// and <c>novaops eval rca</c>.
/// </summary>
public sealed class RootCauseAnalyzer
{
    public const string Version = "1";
    /// <summary>The method the RCA topology and <c>eval rca</c> use unless told otherwise (docs/rca.md says why).</summary>
    public const string DefaultMethod = "roles-walk";
    private readonly RcaOptions _options;
    private readonly Dictionary<string, IRootCauseMethod> _methods;

    public RootCauseAnalyzer(RcaOptions? options = null)
    {
        _options = options ?? new RcaOptions();
        IRootCauseMethod[] all = [new MagnitudeMethod(), new PageRankMethod(_options), new TimingMethod(), new CombinedMethod(_options), new RoleEvidenceMethod(_options), new RoleWalkMethod(_options)];
        _methods = all.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<string> Methods => _methods.Keys;

    /// <summary>Ranks a case whose evidence is metric series against their normal history (the offline path).</summary>
    public RcaResult Analyze(RcaCase c, string method = DefaultMethod) =>
        Rank(c, AnomalyEvidence.Of(c, _options), method, $"{c.Series.Count} series");

    /// <summary>
    /// Ranks from evidence gathered elsewhere (the RCA topology builds it from anomaly events); the case
    /// gives the graph and the symptom, its series and baselines are not read.
    /// </summary>
    public RcaResult Rank(RcaCase c, IReadOnlyDictionary<string, NodeAnomaly> evidence, string method = DefaultMethod, string? source = null)
    {
        if (!_methods.TryGetValue(method, out var m))
            throw new ArgumentException($"unknown RCA method '{method}' (known: {string.Join(", ", _methods.Keys)})", nameof(method));
        if (!evidence.Values.Any(e => e.Magnitude >= _options.ChangeThreshold))
            return new RcaResult(m.Name, Version, c.Symptom, [],
                $"no node's health metrics moved {_options.ChangeThreshold}σ from their normal level after onset ({source ?? $"{evidence.Count} nodes"})");

        var scores = m.Score(c, evidence);
        int symptom = c.Graph.Contains(c.Symptom) ? c.Graph.IndexOf(c.Symptom) : -1;
        var candidates = evidence.Values
            .Where(e => e.Magnitude >= _options.ChangeThreshold && scores.GetValueOrDefault(e.Node) > 0) // candidates are nodes that changed
            .OrderByDescending(e => scores[e.Node])
            .ThenBy(e => e.ChangedAt ?? long.MaxValue) // causes change before effects
            .ThenByDescending(e => e.Magnitude)
            .ThenBy(e => e.Node, StringComparer.Ordinal)
            .Take(_options.MaxCandidates)
            .Select(e => new RootCauseCandidate(e.Node, scores[e.Node], e.Magnitude, e.ChangedAt, [.. e.Changes.Take(3)],
                symptom >= 0 && c.Graph.Contains(e.Node) ? c.Graph.PathToSymptom(c.Graph.IndexOf(e.Node), symptom) : []))
            .ToList();
        return new RcaResult(m.Name, Version, c.Symptom, candidates);
    }
}
