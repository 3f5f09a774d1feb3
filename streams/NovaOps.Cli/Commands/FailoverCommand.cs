using System.CommandLine;
using System.Diagnostics;
using Confluent.Kafka;
using Google.Protobuf;
using NovaOps.Contracts;
using Spectre.Console;
using NovaOps.Kafka;

namespace NovaOps.Cli.Commands;

/// <summary>
/// <c>novaops failover --host H | --zone Z [--dry-run]</c>: an operator's failover request to the region's placement
/// service (<c>novaops run placement</c>), which answers with an evacuation plan; without --dry-run the failing hosts
/// go into maintenance and the remediation executor carries the moves out. Prints the plan.
/// </summary>
public static class FailoverCommand
{
    public static Command Create(NovaOpsSettings settings, IAnsiConsole console)
    {
        var bootstrap = CommonOptions.ExistingBootstrapServers();
        var host = new Option<string?>("--host") { Description = "Evacuate this host" };
        var zone = new Option<string?>("--zone") { Description = "Evacuate this zone" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Plan only: nothing is moved or marked" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the plan", DefaultValueFactory = _ => 30 };
        var reason = new Option<string>("--reason") { Description = "Why (kept with the request)", DefaultValueFactory = _ => "operator request" };
        var json = CommonOptions.Json("the plan");
        var cmd = new Command("failover", "Ask the placement service for an evacuation plan of a failing host or zone (and carry it out unless --dry-run)")
            { bootstrap, host, zone, dryRun, timeout, reason, json };
        cmd.SetAction(async (parse, ct) =>
        {
            string? h = parse.GetValue(host), z = parse.GetValue(zone);
            if ((h is null) == (z is null)) throw new CliException("give one of --host or --zone");
            var request = new FailoverRequest
            {
                SchemaVersion = SchemaVersions.Failover, RequestId = $"operator:{Guid.NewGuid():N}", Scope = h is null ? NodeKind.Zone : NodeKind.Host,
                Target = h ?? z!, Reason = parse.GetValue(reason) ?? "", RequestedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), DryRun = parse.GetValue(dryRun),
            };
            var plan = await console.Status().StartAsync($"waiting for the plan of {request.Target}", _ =>
                RequestPlanAsync(CommonOptions.RequiredKafka(parse.GetValue(bootstrap), settings), settings.Kafka.Topics, request,
                    TimeSpan.FromSeconds(parse.GetValue(timeout)), ct));
            if (parse.GetValue(json) is { } file)
            {
                file.Directory?.Create();
                File.WriteAllText(file.FullName, JsonFormatter.Default.Format(plan) + "\n");
            }
            if (plan.Refused != "") throw new CliException($"no plan for {plan.Scope}: {plan.Refused}");
            Show(console, plan);
            return 0;
        });
        return cmd;
    }

    /// <summary>Publishes the request and waits for its plan on the failover-plans topic.</summary>
    public static async Task<EvacuationPlanRecord> RequestPlanAsync(KafkaClientOptions kafka, TopicNames topics, FailoverRequest request, TimeSpan timeout, CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(kafka.Apply(new ConsumerConfig
        {
            GroupId = $"novaops-failover-cli-{Guid.NewGuid():N}", EnableAutoCommit = false,
        })).Build();
        // By assignment from the current end, before the request goes out: no group join, and only newer plans are read.
        using (var admin = new DependentAdminClientBuilder(consumer.Handle).Build())
        {
            var partitions = admin.GetMetadata(topics.FailoverPlans, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
            if (partitions.Count == 0) throw new CliException($"no topic {topics.FailoverPlans} on {kafka.BootstrapServers}: is this the region's Kafka?");
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topics.FailoverPlans, p.PartitionId,
                consumer.QueryWatermarkOffsets(new TopicPartition(topics.FailoverPlans, p.PartitionId), TimeSpan.FromSeconds(10)).High)));
        }
        using (var producer = new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig { Acks = Acks.All, EnableIdempotence = true })).Build())
            await producer.ProduceAsync(topics.FailoverRequests, new Message<string, byte[]> { Key = request.Target, Value = request.ToByteArray() }, ct);

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            ct.ThrowIfCancellationRequested();
            if (consumer.Consume(TimeSpan.FromMilliseconds(200))?.Message?.Value is not { } value) continue;
            var plan = EvacuationPlanRecord.Parser.ParseFrom(value);
            if (plan.PlanId == request.RequestId) return plan;
        }
        throw new CliException($"no plan within {timeout.TotalSeconds:0} s: is `novaops run placement` running against {kafka.BootstrapServers} with the same topic prefix ({topics.Prefix})?");
    }

    private static void Show(IAnsiConsole console, EvacuationPlanRecord plan)
    {
        var table = new Table().Title($"evacuation plan {Markup.Escape(plan.PlanId)}{(plan.DryRun ? " (dry run: nothing moved)" : "")}")
            .AddColumns("", "value")
            .AddRow("scope", Markup.Escape(plan.Scope))
            .AddRow("failing hosts", $"{plan.FailingHosts.Count:N0}")
            .AddRow("plan time", $"{plan.PlanMs:N1} ms")
            .AddRow("moves (cross-region)", $"{plan.Moves.Count:N0} ({plan.Moves.Count(m => m.CrossRegion):N0})");
        foreach (var tier in plan.Moves.GroupBy(m => m.Tier).OrderBy(g => g.Key))
            table.AddRow($"  {tier.Key.ToString().ToLowerInvariant()}", $"{tier.Count():N0}");
        table.AddRow("left unplaced", $"{plan.Unplaced.Count:N0}");
        foreach (var why in plan.Unplaced.GroupBy(u => u.Reason))
            table.AddRow($"  {Markup.Escape(why.Key)}", $"{why.Count():N0}");
        console.Write(table);
    }
}
