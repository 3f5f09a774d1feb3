using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NovaOps.Broker;
using NovaOps.Contracts;
using NovaOps.Observability;
using NovaOps.Placement;
using NovaOps.Placement.Availability;
using NovaOps.Kafka;

namespace NovaOps.Streams.Placement;

/// <summary>
/// The placement service of one region: reads the host inventory (compacted <c>hosts</c> topic), placement
/// requests, and the incident predictor's alarms (a host with alarms on several of its VMs gets no new VMs);
/// answers each request on <c>placement-responses</c>. Failover requests (a host drained, a zone evacuated) get an
/// evacuation plan on <c>failover-plans</c> (<see cref="FailoverPlanning"/>); its moves are answered on
/// <c>placement-responses</c> too and its failing hosts republished in maintenance. One instance per region: the
/// engine holds every host's free capacity. Its placements are rebuilt at start from its own responses. Unreadable
/// records are dead-lettered with the reason; the engine is also usable in-process (<see cref="Engine"/>, one caller
/// at a time).
/// </summary>
public sealed class PlacementApp : IAsyncDisposable
{
    private readonly KafkaClientOptions _kafka;
    private readonly TopicNames _topics;
    private readonly string _groupId;
    private readonly PipelineMetrics _metrics;
    private readonly ILogger _log;
    private readonly NovaOps.Streams.Consumer.ServiceLoop _loop = new();
    private readonly IProducer<string, byte[]> _producer;
    private readonly NovaOps.Streams.Consumer.DeadLetterSink _deadLetters;
    private readonly HostAvailability _availability;
    private readonly Prometheus.Counter _decisions;
    private readonly Prometheus.Counter _plans;
    private readonly Prometheus.Histogram _planSeconds;
    private readonly Prometheus.Counter _replaySkipped;
    private readonly FailoverPlanning _failover;
    // Inventory imports for hosts not read yet: the hosts topic and the requests are read in no particular order
    // between them. Answered when the host arrives.
    private readonly Dictionary<string, List<PlacementRequest>> _awaitingHost = new(StringComparer.Ordinal);
    private int _awaiting;
    private const int MaxAwaiting = 1_000_000;

    public PlacementApp(KafkaClientOptions kafka, TopicNames topics, PlacementOptions options, PipelineMetrics metrics, string groupId, ILoggerFactory? logging = null)
    {
        _kafka = kafka;
        _topics = topics;
        _groupId = groupId;
        _metrics = metrics;
        _log = (logging ?? NullLoggerFactory.Instance).CreateLogger<PlacementApp>();
        Engine = new PlacementEngine([], options);
        _availability = new HostAvailability(Engine);
        _producer = new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig { Acks = Acks.All, EnableIdempotence = true, LingerMs = 1 })).Build();
        _decisions = Prometheus.Metrics.WithCustomRegistry(metrics.Registry).CreateCounter("novaops_placement_decisions_total",
            "Placement decisions, by outcome (placed, rejected, released, repeated, adopted).", ["app", "outcome"]);
        _plans = Prometheus.Metrics.WithCustomRegistry(metrics.Registry).CreateCounter("novaops_failover_plans_total",
            "Evacuation plans, by outcome (planned, dry_run, refused).", ["app", "outcome"]);
        _planSeconds = Prometheus.Metrics.WithCustomRegistry(metrics.Registry).CreateHistogram("novaops_failover_plan_seconds",
            "Time to compute an evacuation plan.", new Prometheus.HistogramConfiguration
            {
                LabelNames = ["app"], Buckets = Prometheus.Histogram.ExponentialBuckets(0.0005, 4, 8),
            });
        _replaySkipped = Prometheus.Metrics.WithCustomRegistry(metrics.Registry).CreateCounter("novaops_replay_skipped_total",
            "Records skipped while a service rebuilt its state at start (unreadable or unusable: dead-lettered when the live loop met them).", ["app", "topic"]);
        _failover = new FailoverPlanning(Engine, _availability);
        _deadLetters = new NovaOps.Streams.Consumer.DeadLetterSink(_producer, topics, metrics);
    }

    /// <summary>The engine (in-process API). Not thread-safe: use it from the app's loop, or before starting the app.</summary>
    public PlacementEngine Engine { get; }

    public IReadOnlyCollection<string> HostsPredictedToFail => _availability.PredictedToFail;

    public static IReadOnlyList<TopicSpec> RequiredTopics(TopicNames topics, int partitions) =>
    [
        new(topics.Hosts, partitions, Compacted: true),
        new(topics.PlacementRequests, partitions),
        new(topics.PlacementResponses, partitions),
        new(topics.FailoverRequests, 1),
        new(topics.FailoverPlans, 1),
    ];

    /// <summary>Why the service stopped processing on its own, or null while it runs (<see cref="NovaOps.Streams.Consumer.ServiceLoop.Failure"/>).</summary>
    public string? Failure => _loop.Failure;

    public async Task StartAsync(CancellationToken ct = default)
    {
        await _loop.StartAsync(Loop, ct);
    }

    private async Task Loop(CancellationToken ct)
    {
        Replay();
        using var consumer = new ConsumerBuilder<string, byte[]>(_kafka.Apply(new ConsumerConfig
        {
            GroupId = _groupId, AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true, EnableAutoOffsetStore = false, SessionTimeoutMs = 10_000,
        })).SetPartitionsAssignedHandler((_, _) => _loop.Assigned()).Build();
        consumer.Subscribe([_topics.Hosts, _topics.PlacementRequests, _topics.Predictions, _topics.FailoverRequests]);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                ConsumeResult<string, byte[]>? r;
                try { r = consumer.Consume(TimeSpan.FromMilliseconds(200)); }
                catch (ConsumeException e) when (!e.Error.IsFatal) { _log.LogWarning("consume: {Reason}", e.Error.Reason); continue; }
                if (r?.Message?.Value is not { } value) continue;
                _metrics.RecordsIn(r.Topic).Inc();
                if (Handle(r.Topic, value) is { } problem)
                    _deadLetters.Write(r, problem.Code, $"the placement service cannot use this {r.Topic} record: {problem.Reason}");
                consumer.StoreOffset(r);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        finally
        {
            _producer.Flush(TimeSpan.FromSeconds(10));
            consumer.Close();
        }
        await Task.CompletedTask;
    }

    /// <summary>
    /// Rebuilds the service's memory at start: the inventory first (every host, as it is now), then the placements this
    /// service made before, then the plans it made. A record the live loop would dead-letter is skipped here (it was
    /// dead-lettered when the live loop met it, and a compacted topic keeps it): counted, logged, never fatal.
    /// </summary>
    private void Replay()
    {
        int skipped = 0;
        foreach (var value in TopicReplay.ReadAll(_kafka, _topics.Hosts))
            if (TryApplyHost(value) is { } problem) Skip(_topics.Hosts, problem.Reason, ref skipped);
        int restored = 0;
        foreach (var value in TopicReplay.ReadAll(_kafka, _topics.PlacementResponses))
        {
            var decoded = RecordDecoders.PlacementResponse.Decode(value);
            if (decoded.Record is not { } response) { Skip(_topics.PlacementResponses, decoded.Reason!, ref skipped); continue; }
            if (response.Released) Engine.Release(response.VmId);
            else if (response.Placed && response.Request is { } asked)
            {
                // A later answer for a placed VM is a move (a failover plan's): the VM is where the last one says.
                if (Engine.HostOf(response.VmId) is { } now && now != response.Host) Engine.Release(response.VmId);
                if (Engine.Adopt(ToRequest(asked) with { VmId = response.VmId }, response.Host).Placed) restored++;
            }
        }
        if (restored > 0) _log.LogInformation("Restored {Count} placements from {Topic}", restored, _topics.PlacementResponses);
        foreach (var value in TopicReplay.ReadAll(_kafka, _topics.FailoverPlans))
        {
            var decoded = RecordDecoders.FailoverPlan.Decode(value);
            if (decoded.Record is { } plan) _failover.Remember(plan.PlanId);
            else Skip(_topics.FailoverPlans, decoded.Reason!, ref skipped);
        }
        if (skipped > 0) _log.LogWarning("Skipped {Count} unusable records while rebuilding the inventory and placements", skipped);
    }

    private void Skip(string topic, string reason, ref int skipped)
    {
        skipped++;
        _replaySkipped.WithLabels(_metrics.App, topic).Inc();
        if (skipped <= 10) _log.LogWarning("Replay of {Topic}: skipped a record: {Reason}", topic, reason);
    }

    /// <summary>One record of the live loop: null when it was used, otherwise why it cannot be (to dead-letter).</summary>
    private (string Code, string Reason)? Handle(string topic, byte[] value)
    {
        try
        {
            if (topic == _topics.Hosts) return TryApplyHost(value);
            if (topic == _topics.Predictions)
            {
                var p = RecordDecoders.Prediction.Decode(value);
                if (p.Record is null) return (p.Code!, p.Reason!);
                if (p.Record.Alarm) _availability.Alarm(p.Record.Host, p.Record.VmId, p.Record.WindowEndMs);
                else _availability.Advance(p.Record.WindowEndMs);
            }
            else if (topic == _topics.FailoverRequests)
            {
                var f = RecordDecoders.FailoverRequest.Decode(value);
                if (f.Record is null) return (f.Code!, f.Reason!);
                Plan(f.Record);
            }
            else
            {
                var r = RecordDecoders.PlacementRequest.Decode(value);
                if (r.Record is null) return (r.Code!, r.Reason!);
                Answer(r.Record);
            }
            return null;
        }
        catch (InvalidDataException e) { return (RejectReasons.MissingField, e.Message); }
    }

    /// <summary>A hosts record into the inventory, or why it cannot join it (<see cref="HostRecordCheck"/>, or the engine's limits on tags).</summary>
    private (string Code, string Reason)? TryApplyHost(byte[] value)
    {
        var decoded = HostRecordCheck.Decode(value);
        if (decoded.Record is not { } h) return (decoded.Code!, decoded.Reason!);
        try { Engine.Upsert(new HostSpec(h.Host, h.Region, h.Zone, h.FaultDomain, h.Vcpu, h.MemoryGb, h.DiskGb, [.. h.Tags], [.. h.Tiers])); }
        catch (ArgumentException e) { return (RejectReasons.OutOfRange, e.Message); }
        _availability.SetMaintenance(h.Host, h.Maintenance);
        if (_awaitingHost.Remove(h.Host, out var waiting))
        {
            _awaiting -= waiting.Count;
            foreach (var request in waiting) Answer(request);
        }
        return null;
    }

    private void Answer(PlacementRequest request)
    {
        if (string.IsNullOrEmpty(request.VmId)) throw new InvalidDataException("a placement request without a vm id");
        var response = new PlacementResponse
        {
            SchemaVersion = SchemaVersions.Placement, RequestId = request.RequestId, VmId = request.VmId,
            DecidedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Request = request,
        };
        if (request.Release)
        {
            response.Released = Engine.Release(request.VmId);
            if (!response.Released) response.Reason = "not placed";
            _decisions.WithLabels(_metrics.App, "released").Inc();
        }
        else if (!string.IsNullOrEmpty(request.Host) && Engine.HostOf(request.VmId) is null && Engine.ZoneOfHost(request.Host) is null && _awaiting < MaxAwaiting)
        {
            if (!_awaitingHost.TryGetValue(request.Host, out var waiting)) _awaitingHost[request.Host] = waiting = [];
            waiting.Add(request);
            _awaiting++;
            return;
        }
        else if (!string.IsNullOrEmpty(request.Host) && Engine.HostOf(request.VmId) is null)
        {
            // An inventory import: the VM already runs on that host.
            var decision = Engine.Adopt(ToRequest(request), request.Host);
            (response.Placed, response.Host, response.Zone, response.Reason) = (decision.Placed, decision.Host ?? "", decision.Zone ?? "", decision.Reason ?? "");
            _decisions.WithLabels(_metrics.App, decision.Placed ? "adopted" : "rejected").Inc();
        }
        else if (Engine.HostOf(request.VmId) is { } existing)
        {
            // A request read again (a redelivery, or a restart before its offset was committed) gets the answer it got.
            response.Placed = true;
            response.Host = existing;
            response.Zone = Engine.ZoneOfHost(existing) ?? "";
            _decisions.WithLabels(_metrics.App, "repeated").Inc();
        }
        else
        {
            var decision = Engine.Place(ToRequest(request));
            response.Placed = decision.Placed;
            response.Host = decision.Host ?? "";
            response.Zone = decision.Zone ?? "";
            response.Reason = decision.Reason ?? "";
            _decisions.WithLabels(_metrics.App, decision.Placed ? "placed" : "rejected").Inc();
        }
        _producer.Produce(_topics.PlacementResponses, new Message<string, byte[]> { Key = request.VmId, Value = response.ToByteArray() });
        _metrics.RecordsOut(_topics.PlacementResponses).Inc();
    }

    private void Plan(FailoverRequest request)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (_failover.Plan(request, now) is not { } outcome) return; // planned before: a redelivery
        var plan = outcome.Plan;
        _plans.WithLabels(_metrics.App, plan.Refused != "" ? "refused" : plan.DryRun ? "dry_run" : "planned").Inc();
        if (plan.Refused == "") _planSeconds.WithLabels(_metrics.App).Observe(plan.PlanMs / 1000);
        foreach (var h in outcome.Cordoned) Publish(_topics.Hosts, h.Id, ToRecord(h, maintenance: true));
        foreach (var (vm, move) in outcome.Moved)
            Publish(_topics.PlacementResponses, vm.VmId, new PlacementResponse
            {
                SchemaVersion = SchemaVersions.Placement, RequestId = plan.PlanId, VmId = vm.VmId, Placed = true, Host = move.ToHost, Zone = move.ToZone,
                Reason = $"moved off {move.FromHost} by failover plan {plan.PlanId}", DecidedAtMs = now, Request = ToProto(vm),
            });
        // The plan last: when the executor sees it, the engine's answers for its moves are already out.
        Publish(_topics.FailoverPlans, plan.PlanId, plan);
        _log.LogInformation("Failover plan {Plan} for {Scope}: {Moves} moves, {Unplaced} unplaced, {Ms:0.0} ms{Refused}", plan.PlanId, plan.Scope,
            plan.Moves.Count, plan.Unplaced.Count, plan.PlanMs, plan.Refused == "" ? "" : $" (refused: {plan.Refused})");
    }

    private void Publish(string topic, string key, IMessage value)
    {
        _producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value.ToByteArray() });
        _metrics.RecordsOut(topic).Inc();
    }

    private static HostRecord ToRecord(HostSpec h, bool maintenance)
    {
        var r = new HostRecord
        {
            SchemaVersion = SchemaVersions.Host, Host = h.Id, Region = h.Region, Zone = h.Zone, FaultDomain = h.FaultDomain, Vcpu = h.VCpu,
            MemoryGb = h.MemoryGb, DiskGb = h.DiskGb, Maintenance = maintenance,
        };
        r.Tags.Add(h.Tags ?? []);
        r.Tiers.Add(h.Tiers ?? []);
        return r;
    }

    private static PlacementRequest ToProto(VmRequest v)
    {
        var r = new PlacementRequest
        {
            SchemaVersion = SchemaVersions.Placement, VmId = v.VmId, TenantId = v.TenantId, TenantTier = v.Tier, Vcpu = v.VCpu, MemoryGb = v.MemoryGb,
            DiskGb = v.DiskGb, Region = v.Region ?? "", Zone = v.Zone ?? "", AntiAffinityGroup = v.AntiAffinityGroup ?? "", SpreadFaultDomains = v.SpreadFaultDomains,
        };
        r.RequiredTags.Add(v.RequiredTags ?? []);
        return r;
    }

    private static VmRequest ToRequest(PlacementRequest r) => new(r.VmId, r.TenantId, r.TenantTier, r.Vcpu, r.MemoryGb, r.DiskGb,
        string.IsNullOrEmpty(r.Region) ? null : r.Region, string.IsNullOrEmpty(r.Zone) ? null : r.Zone,
        string.IsNullOrEmpty(r.AntiAffinityGroup) ? null : r.AntiAffinityGroup, r.RequiredTags.Count == 0 ? null : [.. r.RequiredTags], r.SpreadFaultDomains);

    public async ValueTask DisposeAsync()
    {
        await _loop.DisposeAsync();
        _producer.Dispose();
    }
}
