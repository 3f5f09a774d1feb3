using System.Globalization;
using NovaOps.Contracts;
using NovaOps.Remediation.Triggers;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace NovaOps.Remediation.Runbooks;

/// <summary>A runbook file that cannot be used, with where and why.</summary>
public sealed class RunbookException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads runbooks from YAML (a file, or every *.yaml/*.yml of a directory in name order). Unknown fields, unknown
/// actions, metrics or tiers, and checks without a deadline are errors naming the file and the runbook: a typo in
/// a runbook must stop the executor at start, never act differently than written.
/// </summary>
public static class RunbookLoader
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

    public static RunbookSet Load(string path)
    {
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
            : File.Exists(path) ? [path] : throw new RunbookException($"runbooks: {path} is neither a file nor a directory");
        if (files.Count == 0) throw new RunbookException($"runbooks: no *.yaml file in {path}");
        var runbooks = files.SelectMany(f => Parse(File.ReadAllText(f), Path.GetFileName(f))).ToList();
        var duplicate = runbooks.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new RunbookException($"runbooks: two runbooks are named '{duplicate.Key}'");
        return new RunbookSet(runbooks);
    }

    public static IReadOnlyList<Runbook> Parse(string yaml, string source = "runbooks")
    {
        FileDto? file;
        try { file = Yaml.Deserialize<FileDto>(yaml); }
        catch (YamlException e) { throw new RunbookException($"{source}: line {e.Start.Line}: {(e.InnerException ?? e).Message}", e); }
        if (file?.Runbooks is not { Count: > 0 } list) throw new RunbookException($"{source}: no runbooks (expected a top-level 'runbooks:' list)");
        return [.. list.Select((r, i) => Build(r, $"{source}: runbook {(string.IsNullOrWhiteSpace(r.Name) ? $"#{i + 1}" : $"'{r.Name}'")}"))];
    }

    private static Runbook Build(RunbookDto r, string where)
    {
        if (string.IsNullOrWhiteSpace(r.Name)) throw new RunbookException($"{where}: has no name");
        if (r.Actions is not { Count: > 0 }) throw new RunbookException($"{where}: has no actions");
        var m = r.Match ?? new MatchDto();
        if (m.MinConfidence is < 0 or > 1) throw new RunbookException($"{where}: min_confidence {m.MinConfidence} is not within 0..1");
        if (m.MinHostCoverage is < 0 or > 1) throw new RunbookException($"{where}: min_host_coverage {m.MinHostCoverage} is not within 0..1");
        var match = new RunbookMatch(
            Set(m.Triggers, s => Parse(s, where, "trigger", Trigger.SourcesByName)),
            Set(m.TargetKinds, s => Parse<NodeKind>(s, where, "target kind", KindNames)),
            Set(m.TopMetrics, s => MetricNames.Standard.Contains(s) ? s : throw new RunbookException($"{where}: unknown metric '{s}' (one of {string.Join(", ", MetricNames.Standard)})")),
            Set(m.TenantTiers, s => Parse<TenantTier>(s, where, "tenant tier", TierNames)),
            m.MinConfidence ?? 0,
            [.. (m.When ?? []).Select((c, i) => Condition(c, $"{where}, when {i + 1}"))],
            m.MinHostCoverage ?? 0);
        return new Runbook(r.Name, r.Description ?? "", match, [.. r.Actions.Select((a, i) => Step(a, $"{where}, action {i + 1}"))]);
    }

    private static MetricCondition Condition(ConditionDto c, string where)
    {
        if (string.IsNullOrEmpty(c.Metric) || !MetricNames.Standard.Contains(c.Metric))
            throw new RunbookException($"{where}: needs a metric, one of {string.Join(", ", MetricNames.Standard)} (got '{c.Metric}')");
        if (c.Above is null && c.Below is null) throw new RunbookException($"{where}: needs 'above' or 'below'");
        return new MetricCondition(c.Metric, c.Above, c.Below);
    }

    private static RunbookStep Step(StepDto a, string where)
    {
        var action = Parse<ActionKind>(a.Action ?? throw new RunbookException($"{where}: no 'action'"), where, "action", ActionNames);
        var scope = a.Scope is null ? DefaultScope(action) : Parse<NodeKind>(a.Scope, where, "scope", KindNames);
        RecoveryCheck? check = null;
        if (a.Verify is { } v)
        {
            if (string.IsNullOrEmpty(v.Metric) || !MetricNames.Standard.Contains(v.Metric))
                throw new RunbookException($"{where}: verify needs a metric, one of {string.Join(", ", MetricNames.Standard)} (got '{v.Metric}')");
            if (v.Below is null == v.Above is null) throw new RunbookException($"{where}: verify needs exactly one of 'below' or 'above'");
            if (v.Within is null) throw new RunbookException($"{where}: verify needs a deadline ('within: 10m')");
            check = new RecoveryCheck(v.Metric, v.Below, v.Above, Duration(v.Within, where));
        }
        if (a.Rollback && action is not (ActionKind.Throttle or ActionKind.ResizeVm))
            throw new RunbookException($"{where}: {ActionName(action)} cannot be rolled back (only throttle and resize_vm)");
        if (a.Rollback && check is null) throw new RunbookException($"{where}: rollback needs a verify check to fail");
        bool? approval = a.Approval switch
        {
            null => null,
            "required" => true,
            "auto" => false,
            _ => throw new RunbookException($"{where}: approval '{a.Approval}' is neither 'required' nor 'auto'"),
        };
        return new RunbookStep(action, scope, a.Parameters ?? new Dictionary<string, string>(), check, approval, a.Rollback);
    }

    /// <summary>What an action acts on unless the runbook says otherwise.</summary>
    public static NodeKind DefaultScope(ActionKind action) => action switch
    {
        ActionKind.DrainHost => NodeKind.Host,
        ActionKind.EvacuateZone => NodeKind.Zone,
        _ => NodeKind.Vm,
    };

    /// <summary>Durations as runbooks write them: 90s, 10m, 1h, or a .NET TimeSpan (00:10:00).</summary>
    public static TimeSpan Duration(string text, string where)
    {
        text = text.Trim();
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && n > 0)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
            }
        }
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero) return span;
        throw new RunbookException($"{where}: '{text}' is not a duration (90s, 10m, 1h)");
    }

    private static readonly Dictionary<string, ActionKind> ActionNames = new()
    {
        ["restart_vm"] = ActionKind.RestartVm, ["resize_vm"] = ActionKind.ResizeVm, ["live_migrate"] = ActionKind.LiveMigrate,
        ["drain_host"] = ActionKind.DrainHost, ["evacuate_zone"] = ActionKind.EvacuateZone, ["throttle"] = ActionKind.Throttle,
        ["page_human"] = ActionKind.PageHuman,
    };

    private static readonly Dictionary<string, NodeKind> KindNames = new()
    {
        ["vm"] = NodeKind.Vm, ["host"] = NodeKind.Host, ["zone"] = NodeKind.Zone, ["service"] = NodeKind.Service,
    };

    private static readonly Dictionary<string, TenantTier> TierNames = new()
    {
        ["platinum"] = TenantTier.Platinum, ["gold"] = TenantTier.Gold, ["silver"] = TenantTier.Silver,
    };

    /// <summary>The runbook name of an action (restart_vm, ...).</summary>
    public static string ActionName(ActionKind kind) => ActionNames.First(kv => kv.Value == kind).Key;

    public static ActionKind ParseAction(string name) =>
        ActionNames.TryGetValue(name, out var kind) ? kind : throw new RunbookException($"unknown action '{name}' (one of {string.Join(", ", ActionNames.Keys)})");

    private static T Parse<T>(string text, string where, string what, IReadOnlyDictionary<string, T> names) =>
        names.TryGetValue(text.Trim().ToLowerInvariant(), out var value) ? value
            : throw new RunbookException($"{where}: unknown {what} '{text}' (one of {string.Join(", ", names.Keys)})");

    private static HashSet<T> Set<T>(List<string>? items, Func<string, T> parse) => items is null ? [] : [.. items.Select(parse)];

    // The YAML shapes: mutable classes, as YamlDotNet fills them; checked into the records above.
    private sealed class FileDto { public List<RunbookDto>? Runbooks { get; set; } }

    private sealed class RunbookDto
    {
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public MatchDto? Match { get; set; }
        public List<StepDto>? Actions { get; set; }
    }

    private sealed class MatchDto
    {
        public List<string>? Triggers { get; set; }
        public List<string>? TargetKinds { get; set; }
        public List<string>? TopMetrics { get; set; }
        public List<string>? TenantTiers { get; set; }
        public double? MinConfidence { get; set; }
        public double? MinHostCoverage { get; set; }
        public List<ConditionDto>? When { get; set; }
    }

    private sealed class ConditionDto
    {
        public string? Metric { get; set; }
        public double? Above { get; set; }
        public double? Below { get; set; }
    }

    private sealed class StepDto
    {
        public string? Action { get; set; }
        public string? Scope { get; set; }
        public Dictionary<string, string>? Parameters { get; set; }
        public VerifyDto? Verify { get; set; }
        public string? Approval { get; set; }
        public bool Rollback { get; set; }
    }

    private sealed class VerifyDto
    {
        public string? Metric { get; set; }
        public double? Below { get; set; }
        public double? Above { get; set; }
        public string? Within { get; set; }
    }
}
