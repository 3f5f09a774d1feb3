using System.Diagnostics;
using Confluent.Kafka;
using NovaOps.History.RowBinary;
using NovaOps.History.Schema;

namespace NovaOps.Streams.History;

/// <summary>Rows waiting for one table, with the records they came from (released once inserted).</summary>
internal sealed class TableBatch(HistoryTable table)
{
    private long _oldest;

    public HistoryTable Table { get; } = table;
    public RowBinaryWriter Rows { get; } = new();
    public List<(TopicPartition Tp, long Offset)> Sources { get; } = [];
    public int Count => Rows.Rows;

    public void Added(TopicPartition tp, long offset)
    {
        if (Sources.Count == 0) _oldest = Stopwatch.GetTimestamp();
        Sources.Add((tp, offset));
    }

    public bool Due(int maxRows, TimeSpan maxDelay) =>
        Rows.Rows > 0 && (Rows.Rows >= maxRows || Stopwatch.GetElapsedTime(_oldest) >= maxDelay);
}
