using System.Diagnostics;
using Google.Protobuf;
using NovaOps.Contracts;
using NovaOps.Rca;
using NovaOps.Streams.Rca.Incidents;
using Streamiz.Kafka.Net.Processors;
using Streamiz.Kafka.Net.Processors.Public;
using Streamiz.Kafka.Net.State;

namespace NovaOps.Streams.Rca;

/// <summary>
/// The RCA processor: reads the region's anomalies (all of them, one partition), groups them into
/// incidents, and on a wall-clock tick ranks the incidents with new evidence and closes the quiet ones.
/// Incidents live in memory: after a restart, open incidents start again from the next anomalies.
/// </summary>
public sealed class IncidentTransformer : ITransformer<string, byte[], string, RcaOutput>, ITopologyView
{
    private readonly RcaTopologyOptions _options;
    private readonly RcaMetrics _metrics;
    private readonly IncidentTracker _tracker;
    private readonly IncidentAnalysis _analysis;
    private ProcessorContext<string, RcaOutput> _context = null!;
    private IReadOnlyKeyValueStore<string, ValueAndTimestamp<TopologyRecord>> _topology = null!;
    private Dictionary<string, int> _vmCounts = new(StringComparer.Ordinal);
    private Dictionary<string, string> _serviceOf = new(StringComparer.Ordinal);
    private long? _vmCountsAt;

    /// <summary>Streamiz 1.8 builds one throw-away instance through the <c>new()</c> constraint when the topology is declared; the instances that run get the arguments.</summary>
    public IncidentTransformer()
    {
        _options = null!;
        _metrics = null!;
        _tracker = null!;
        _analysis = null!;
    }

    public IncidentTransformer(RcaTopologyOptions options, RcaMetrics metrics)
    {
        _options = options;
        _metrics = metrics;
        _tracker = new IncidentTracker(options);
        _analysis = new IncidentAnalysis(new RootCauseAnalyzer(options.Analysis), options);
    }

    public void Init(ProcessorContext<string, RcaOutput> context)
    {
        if (_options is null) throw new InvalidOperationException("IncidentTransformer was created without its options");
        _context = context;
        _topology = (IReadOnlyKeyValueStore<string, ValueAndTimestamp<TopologyRecord>>)context.GetStateStore(_options.TopologyStore);
        context.Schedule(_options.RankInterval, PunctuationType.PROCESSING_TIME, _ => Tick());
    }

    public Record<string, RcaOutput>? Process(Record<string, byte[]> record)
    {
        var origin = record.TopicPartitionOffset;
        _metrics.Pipeline.RecordsIn(origin.Topic).Inc();
        RcaEvidence evidence;
        try { evidence = RcaEvidence.Parser.ParseFrom(record.Value ?? []); }
        catch (InvalidProtocolBufferException e) { return DeadLetter(record, RejectReasons.Malformed, $"not RCA evidence: {e.Message}"); }
        return evidence.KindCase == RcaEvidence.KindOneofCase.Prediction
            ? Prediction(record, evidence.Prediction.ToByteArray())
            : Anomaly(record, evidence.Anomaly.ToByteArray());
    }

    private Record<string, RcaOutput>? Anomaly(Record<string, byte[]> record, byte[] bytes)
    {
        var decoded = RecordDecoders.Anomaly.Decode(bytes);
        if (decoded.Record is not { } a) return DeadLetter(record, decoded.Code!, decoded.Reason!);
        if (string.IsNullOrEmpty(a.Host) || string.IsNullOrEmpty(a.Zone))
            return DeadLetter(record, RejectReasons.MissingField, "an anomaly needs its VM, host and zone to be placed on the graph");
        var incident = _tracker.Add(a, this);
        incident.OpenedTimestamp ??= Stopwatch.GetTimestamp();
        _metrics.IncidentsOpen.Set(_tracker.Open.Count);
        return null;
    }

    // An incident prediction is evidence for an incident it is linked to; alone it opens none (a forecast is not a change).
    private Record<string, RcaOutput>? Prediction(Record<string, byte[]> record, byte[] bytes)
    {
        var decoded = RecordDecoders.Prediction.Decode(bytes);
        if (decoded.Record is not { } p) return DeadLetter(record, decoded.Code!, decoded.Reason!);
        if (p.Alarm && !string.IsNullOrEmpty(p.Host)) _tracker.AddPrediction(p, this);
        return null;
    }

    private Record<string, RcaOutput> DeadLetter(Record<string, byte[]> record, string code, string reason)
    {
        var o = record.TopicPartitionOffset;
        _metrics.Pipeline.DeadLettered(code).Inc();
        return Record<string, RcaOutput>.Create(record.Key, RcaOutput.Of(DeadLetters.Create(_metrics.Pipeline.App, code, reason, o.Topic, o.Partition.Value, o.Offset.Value,
            System.Text.Encoding.UTF8.GetBytes(record.Key ?? ""), record.Value ?? [], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
    }

    private void Tick()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var (gone, into) in _tracker.TakeMerged())
            if (gone.Ranked)
                _context.Forward(gone.Id, RcaOutput.Of(new RootCauseEvent
                {
                    SchemaVersion = SchemaVersions.RootCause, IncidentId = gone.Id, Region = gone.Region, FirstAnomalyMs = gone.FirstMs,
                    LastAnomalyMs = gone.LastMs, Final = true, AnalysedMs = now, MergedInto = into.Id, Note = $"part of incident {into.Id}",
                }));
        foreach (var incident in _tracker.Open.Where(i => i.Dirty).ToList()) Emit(incident, final: false, now);
        foreach (var incident in _tracker.Close()) Emit(incident, final: true, now);
        _metrics.IncidentsOpen.Set(_tracker.Open.Count);
    }

    private void Emit(Incident incident, bool final, long now)
    {
        var ranking = _analysis.Rank(incident, this, final, now);
        incident.Dirty = false;
        incident.Ranked = true;
        if (incident.OpenedTimestamp is { } opened && ranking.Candidates.Count > 0)
        {
            _metrics.TimeToFirstRootCause.Observe(Stopwatch.GetElapsedTime(opened).TotalSeconds);
            incident.OpenedTimestamp = null;
        }
        _metrics.Rankings.WithLabels(_metrics.Pipeline.App, final ? "true" : "false").Inc();
        _context.Forward(incident.Id, RcaOutput.Of(ranking));
    }

    public TopologyRecord? Get(string node) => _topology.Get(node)?.Value;

    /// <summary>
    /// VMs per host, zone and service and each VM's service, counted from the topology store and recounted
    /// at most every 30 s: the store is the global table's, which a processor cannot watch for changes.
    /// </summary>
    public int VmCount(string node)
    {
        Recount();
        return _vmCounts.GetValueOrDefault(node);
    }

    public string? ServiceOf(string vm)
    {
        Recount();
        return _serviceOf.GetValueOrDefault(vm);
    }

    private void Recount()
    {
        long now = Environment.TickCount64;
        if (_vmCountsAt is { } at && now - at <= 30_000) return;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var serviceOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var hostZone = new Dictionary<string, string>(StringComparer.Ordinal);
        var vmHost = new List<string>();
        using (var all = _topology.All().GetEnumerator())
            while (all.MoveNext())
            {
                var r = all.Current.Value?.Value;
                if (r is null || r.DependsOn.Count == 0) continue;
                switch (r.Kind)
                {
                    case NodeKind.Vm: vmHost.Add(r.DependsOn[0]); break; // a VM's first dependency is its host
                    case NodeKind.Host: hostZone[r.Node] = r.DependsOn[0]; break;
                    case NodeKind.Service:
                        counts[r.Node] = r.DependsOn.Count;
                        foreach (var vm in r.DependsOn) serviceOf[vm] = r.Node;
                        break;
                }
            }
        foreach (var host in vmHost)
        {
            counts[host] = counts.GetValueOrDefault(host) + 1;
            if (hostZone.TryGetValue(host, out var zone)) counts[zone] = counts.GetValueOrDefault(zone) + 1;
        }
        _vmCounts = counts;
        _serviceOf = serviceOf;
        _vmCountsAt = now;
    }

    public void Close() { }
}
