using System.Buffers.Binary;
using System.Text;

namespace NovaOps.History.RowBinary;

/// <summary>
/// ClickHouse's RowBinary format, the columns of each row in table order: what every server version takes over HTTP
/// (<c>INSERT … FORMAT RowBinary</c>), 18.16 included, where the driver's typed bulk insert does not work.
/// </summary>
public sealed class RowBinaryWriter
{
    private readonly MemoryStream _buffer = new();
    private readonly byte[] _scratch = new byte[8];

    public int Rows { get; private set; }
    public long Bytes => _buffer.Length;

    public void EndRow() => Rows++;

    public RowBinaryWriter String(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        uint n = (uint)length;
        while (n >= 0x80) { _buffer.WriteByte((byte)(n | 0x80)); n >>= 7; } // LEB128 length
        _buffer.WriteByte((byte)n);
        var bytes = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(value, bytes);
        _buffer.Write(bytes);
        return this;
    }

    public RowBinaryWriter UInt8(bool value) { _buffer.WriteByte(value ? (byte)1 : (byte)0); return this; }

    public RowBinaryWriter UInt32(uint value) { BinaryPrimitives.WriteUInt32LittleEndian(_scratch, value); _buffer.Write(_scratch, 0, 4); return this; }

    public RowBinaryWriter Int32(int value) { BinaryPrimitives.WriteInt32LittleEndian(_scratch, value); _buffer.Write(_scratch, 0, 4); return this; }

    public RowBinaryWriter Int64(long value) { BinaryPrimitives.WriteInt64LittleEndian(_scratch, value); _buffer.Write(_scratch, 0, 8); return this; }

    public RowBinaryWriter Float64(double value) { BinaryPrimitives.WriteDoubleLittleEndian(_scratch, value); _buffer.Write(_scratch, 0, 8); return this; }

    /// <summary>DateTime: seconds since the epoch (UInt32), from milliseconds.</summary>
    public RowBinaryWriter DateTime(long epochMs) => UInt32((uint)Math.Clamp(epochMs / 1000, 0, uint.MaxValue));

    /// <summary>The rows so far, as a stream for an insert (the writer keeps them until <see cref="Clear"/>: an insert may fail and be retried).</summary>
    public MemoryStream Snapshot() => new(_buffer.GetBuffer(), 0, (int)_buffer.Length, writable: false);

    public void Clear()
    {
        _buffer.SetLength(0);
        Rows = 0;
    }
}
