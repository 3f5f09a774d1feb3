using System.Text.Json;
using NovaOps.Contracts;
using NovaOps.History.RowBinary;

namespace NovaOps.History.Rows;

/// <summary>The records of the event topics as rows of their tables (column order of <see cref="Schema.HistoryTables"/>).</summary>
public static class EventRows
{
    public static void Anomaly(RowBinaryWriter w, AnomalyEvent a)
    {
        w.DateTime(a.WindowStartMs).Int64(a.WindowStartMs).Int64(a.WindowEndMs).String(a.VmId).String(a.TenantId).String(a.Region).String(a.Zone)
            .String(a.Host).String(a.Detector).Float64(a.Score).String(a.Contributions.FirstOrDefault()?.Metric ?? "")
            .String(JsonSerializer.Serialize(a.Contributions.ToDictionary(c => c.Metric, c => Math.Round(c.Contribution, 4))));
        w.EndRow();
    }

    public static void Prediction(RowBinaryWriter w, PredictionEvent p)
    {
        w.DateTime(p.WindowEndMs).Int64(p.WindowEndMs).String(p.VmId).String(p.TenantId).String(p.Region).String(p.Zone).String(p.Host).String(p.Model)
            .Float64(p.Probability).UInt8(p.Alarm).Int64(p.HorizonMs).String(p.Contributions.FirstOrDefault()?.Metric ?? "");
        w.EndRow();
    }

    public static void RootCause(RowBinaryWriter w, RootCauseEvent r)
    {
        var top = r.Candidates.FirstOrDefault();
        w.DateTime(r.AnalysedMs).Int64(r.AnalysedMs).String(r.IncidentId).String(r.Region).String(r.Method).UInt8(r.Final)
            .String(top?.Node ?? "").String(top is null ? "" : Kind(top.Kind)).Float64(top?.Score ?? 0)
            .String(JsonSerializer.Serialize(r.Candidates.Take(5).Select(c => new { node = c.Node, kind = Kind(c.Kind), score = Math.Round(c.Score, 4) })))
            .UInt32((uint)r.AnomalousVms.Count);
        w.EndRow();
    }

    public static void Action(RowBinaryWriter w, ActionRecord a)
    {
        w.DateTime(a.AtMs).Int64(a.AtMs).String(a.ActionId).String(a.IdempotencyKey).String(a.Trigger).String(a.Runbook).Int32(a.Step)
            .String(a.Kind.ToString()).String(a.Target).String(Kind(a.TargetKind)).String(a.Zone).String(a.Host).String(a.TenantId)
            .String(a.Outcome.ToString()).String(a.Guardrail).String(a.Reason).UInt8(a.DryRun).Int32(a.VmsTouched);
        w.EndRow();
    }

    private static string Kind(NodeKind kind) => kind.ToString().ToLowerInvariant();
}
