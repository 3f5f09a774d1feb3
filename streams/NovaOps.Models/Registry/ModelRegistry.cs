using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NovaOps.Models.Registry;

/// <summary>Which model a stream app scores with (section <c>Models:Anomaly</c> / <c>Models:Incident</c>).</summary>
public sealed record ModelRegistryOptions
{
    /// <summary>The models folder: <c>&lt;Directory&gt;/&lt;Name&gt;/&lt;version&gt;/</c>.</summary>
    public string Directory { get; init; } = "models";

    public string Name { get; init; } = "";

    /// <summary>A fixed version; empty: the highest version present, and newer ones are picked up while running.</summary>
    public string? Version { get; init; }

    /// <summary>
    /// A version to run in shadow: scored beside the active one, compared, never acted on. With
    /// <see cref="ShadowNewVersions"/>, a newly appearing version becomes the shadow instead of the active model.
    /// </summary>
    public string? ShadowVersion { get; init; }

    public bool ShadowNewVersions { get; init; }

    /// <summary>How often the folder is checked for a new version.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Holds the active model of one kind (and an optional shadow), loaded and validated by
/// <see cref="ModelLoader"/>. A new version in the folder is loaded in the background and swapped in
/// atomically without a restart; one that fails validation is logged and the running model stays.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly ModelRegistryOptions _options;
    private readonly string _kind;
    private readonly RunningFeatures _running;
    private readonly ILogger _log;
    private readonly Lock _swap = new();
    private readonly List<(LoadedModel Model, DateTime RetiredAt)> _retired = [];
    private readonly Dictionary<string, DateTime> _rejected = []; // refused version → its files' latest write then
    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _polling;
    private volatile LoadedModel _active;
    private volatile LoadedModel? _shadow;

    private readonly Func<LoadedModel, string?>? _compatible;
    private readonly int _warmUpRows;

    private ModelRegistry(ModelRegistryOptions options, string kind, RunningFeatures running, ILogger log, LoadedModel active, LoadedModel? shadow, bool poll,
        Func<LoadedModel, string?>? compatible, int warmUpRows)
    {
        _compatible = compatible;
        _warmUpRows = warmUpRows;
        _options = options;
        _kind = kind;
        _running = running;
        _log = log;
        _active = active;
        _shadow = shadow;
        if (poll) _polling = Task.Run(PollAsync);
    }

    /// <summary>
    /// Loads the configured model (and shadow). Throws <see cref="ModelLoadException"/> when there is
    /// none or it does not fit the running features: an app must not start on a wrong model.
    /// <paramref name="warmUpRows"/>: the largest batch the app will run; each model loaded (at start and
    /// when swapped in) is run once for every batch shape up to it first (<see cref="LoadedModel.WarmUp"/>).
    /// </summary>
    public static ModelRegistry Open(ModelRegistryOptions options, string kind, RunningFeatures running, ILogger? log = null, bool poll = true,
        Func<LoadedModel, string?>? compatible = null, int warmUpRows = 0)
    {
        string root = Path.Combine(options.Directory, options.Name);
        if (!System.IO.Directory.Exists(root)) throw new ModelLoadException($"no model '{options.Name}' in {Path.GetFullPath(options.Directory)}");
        string version = string.IsNullOrEmpty(options.Version)
            ? HighestVersion(root, exclude: options.ShadowVersion) ?? throw new ModelLoadException($"model '{options.Name}' has no version in {root}")
            : options.Version;
        var active = Checked(ModelLoader.Load(Path.Combine(root, version), kind, running), compatible, warmUpRows);
        LoadedModel? shadow = null;
        if (!string.IsNullOrEmpty(options.ShadowVersion))
        {
            try { shadow = Checked(ModelLoader.Load(Path.Combine(root, options.ShadowVersion), kind, running), compatible, warmUpRows); }
            catch { active.Dispose(); throw; }
        }
        return new ModelRegistry(options, kind, running, log ?? NullLogger.Instance, active, shadow, poll && string.IsNullOrEmpty(options.Version), compatible, warmUpRows);
    }

    /// <summary>
    /// Applies the app's own check (e.g. the sequence length its state was sized for), then warms the model up;
    /// disposes and throws on a refusal or a failed run.
    /// </summary>
    private static LoadedModel Checked(LoadedModel model, Func<LoadedModel, string?>? compatible, int warmUpRows)
    {
        try
        {
            if (compatible?.Invoke(model) is { } problem) throw new ModelLoadException($"model {model.Id} ({model.Directory}): {problem}");
            model.WarmUp(warmUpRows);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The model whose scores are acted on. Read it once per batch: it may change between batches.</summary>
    public LoadedModel Active => _active;

    /// <summary>The model scored for comparison only, if any.</summary>
    public LoadedModel? Shadow => _shadow;

    /// <summary>Raised after a new model was swapped in (active or shadow).</summary>
    public event Action<LoadedModel>? Swapped;

    /// <summary>Looks for a newer version now; true when one was swapped in.</summary>
    public bool Refresh()
    {
        string root = Path.Combine(_options.Directory, _options.Name);
        var current = _options.ShadowNewVersions ? (_shadow ?? _active) : _active;
        string? highest = HighestVersion(root, exclude: null);
        if (highest is null || Compare(highest, Path.GetFileName(current.Directory)) <= 0) return false;
        // A refused version is tried again only once its files change (a folder caught half-copied, a card fixed).
        string candidate = Path.Combine(root, highest);
        var written = LastWrite(candidate);
        if (_rejected.TryGetValue(highest, out var refusedAt) && written == refusedAt) return false;

        LoadedModel loaded;
        try
        {
            loaded = Checked(ModelLoader.Load(candidate, _kind, _running), _compatible, _warmUpRows);
        }
        catch (ModelLoadException e)
        {
            // Keep scoring with the model that works; say once why the new one is refused.
            _rejected[highest] = written;
            _log.LogError("New model version refused, keeping {Active}: {Reason}", _active.Id, e.Message);
            return false;
        }

        lock (_swap)
        {
            LoadedModel? old;
            if (_options.ShadowNewVersions) { old = _shadow; _shadow = loaded; }
            else { old = _active; _active = loaded; }
            // Scorers read the reference once per batch: dispose the old session only after they are done with it.
            if (old is not null) _retired.Add((old, DateTime.UtcNow));
            DisposeRetired(TimeSpan.FromSeconds(30));
        }
        _log.LogInformation("Model {Model} now {Role}", loaded.Id, _options.ShadowNewVersions ? "in shadow" : "active");
        Swapped?.Invoke(loaded);
        return true;
    }

    private async Task PollAsync()
    {
        using var timer = new PeriodicTimer(_options.PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try { Refresh(); }
                catch (IOException e) { _log.LogWarning("Checking {Dir} for new models failed: {Error}", _options.Directory, e.Message); }
            }
        }
        catch (OperationCanceledException) { }
    }

    private static DateTime LastWrite(string directory) =>
        System.IO.Directory.Exists(directory)
            ? System.IO.Directory.EnumerateFiles(directory).Select(File.GetLastWriteTimeUtc).DefaultIfEmpty(DateTime.MinValue).Max()
            : DateTime.MinValue;

    private static string? HighestVersion(string root, string? exclude) =>
        System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
                .Where(v => v != exclude && File.Exists(Path.Combine(root, v, ModelLoader.CardFile)))
                .OrderBy(v => v, Comparer<string>.Create(Compare)).LastOrDefault()
            : null;

    /// <summary>Numeric versions compare as numbers ("10" after "9"), others as text.</summary>
    private static int Compare(string a, string b) =>
        long.TryParse(a, out var x) && long.TryParse(b, out var y) ? x.CompareTo(y) : string.CompareOrdinal(a, b);

    private void DisposeRetired(TimeSpan grace)
    {
        var now = DateTime.UtcNow;
        for (int i = _retired.Count - 1; i >= 0; i--)
            if (now - _retired[i].RetiredAt >= grace) { _retired[i].Model.Dispose(); _retired.RemoveAt(i); }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _polling?.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        lock (_swap)
        {
            _active.Dispose();
            _shadow?.Dispose();
            foreach (var (m, _) in _retired) m.Dispose();
            _retired.Clear();
        }
        _stop.Dispose();
    }
}
