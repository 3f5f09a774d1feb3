using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NovaOps.Streams.Anomaly.State;

/// <summary>
/// How a VM's state array is kept between records, in the store and in its changelog: a prefix of doubles that
/// every record updates (the open window's sums and the baselines, exactly as <c>detect</c> keeps them), then every
/// other slot as a 4-byte float, but for the slots named wide (instants in milliseconds, which a float cannot tell
/// apart). The float part is what a closed window reads and writes: the detector's learnt means and covariance and
/// the incident model's feature history, which the model reads as floats anyway.
/// </summary>
/// <remarks>
/// The packed array is the VM's only copy in memory: the prefix is read and written in place through
/// <see cref="Prefix"/>, the rest is unpacked into a scratch array when a window closes and packed back.
/// </remarks>
public sealed class PackedStateLayout
{
    private readonly int[] _offsets; // byte offset of each slot after the prefix
    private readonly bool[] _wide;

    /// <param name="length">slots in the unpacked state</param>
    /// <param name="prefix">leading slots kept as doubles and updated in place</param>
    /// <param name="wide">further slots kept as doubles</param>
    public PackedStateLayout(int length, int prefix, IEnumerable<int>? wide = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefix);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefix, length);
        Length = length;
        Prefix = prefix;
        _wide = new bool[length];
        foreach (int slot in wide ?? [])
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(slot, prefix, nameof(wide));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, length, nameof(wide));
            _wide[slot] = true;
        }
        _offsets = new int[length];
        int offset = prefix * sizeof(double);
        for (int i = prefix; i < length; i++)
        {
            _offsets[i] = offset;
            offset += _wide[i] ? sizeof(double) : sizeof(float);
        }
        ByteLength = offset;
    }

    /// <summary>Slots in the unpacked state.</summary>
    public int Length { get; }

    /// <summary>Leading slots kept as doubles, read and written in place.</summary>
    public int Prefix { get; }

    /// <summary>Bytes of a packed state.</summary>
    public int ByteLength { get; }

    /// <summary>The prefix of a packed state, as doubles over its own bytes (writes land in the packed state).</summary>
    public Span<double> PrefixOf(byte[] packed) => MemoryMarshal.Cast<byte, double>(packed.AsSpan(0, Prefix * sizeof(double)));

    /// <summary>A new packed state holding <paramref name="state"/>.</summary>
    public byte[] Pack(ReadOnlySpan<double> state)
    {
        if (state.Length != Length) throw new ArgumentException($"a state of {state.Length} slots, the layout has {Length}", nameof(state));
        var packed = new byte[ByteLength];
        state[..Prefix].CopyTo(PrefixOf(packed));
        PackRest(state, packed);
        return packed;
    }

    /// <summary>The whole state, unpacked.</summary>
    public double[] Unpack(byte[] packed)
    {
        var state = new double[Length];
        PrefixOf(packed).CopyTo(state);
        UnpackRest(packed, state);
        return state;
    }

    /// <summary>Writes the slots after the prefix of <paramref name="state"/> into <paramref name="packed"/>.</summary>
    public void PackRest(ReadOnlySpan<double> state, byte[] packed)
    {
        CheckPacked(packed);
        var bytes = packed.AsSpan();
        for (int i = Prefix; i < Length; i++)
        {
            if (_wide[i]) BinaryPrimitives.WriteDoubleLittleEndian(bytes[_offsets[i]..], state[i]);
            else BinaryPrimitives.WriteSingleLittleEndian(bytes[_offsets[i]..], (float)state[i]);
        }
    }

    /// <summary>Reads the slots after the prefix of <paramref name="packed"/> into <paramref name="state"/> (its prefix untouched).</summary>
    public void UnpackRest(byte[] packed, Span<double> state)
    {
        CheckPacked(packed);
        ReadOnlySpan<byte> bytes = packed;
        for (int i = Prefix; i < Length; i++)
            state[i] = _wide[i] ? BinaryPrimitives.ReadDoubleLittleEndian(bytes[_offsets[i]..]) : BinaryPrimitives.ReadSingleLittleEndian(bytes[_offsets[i]..]);
    }

    /// <summary>One slot after the prefix.</summary>
    public double Read(byte[] packed, int slot)
    {
        CheckSlot(slot);
        ReadOnlySpan<byte> bytes = packed.AsSpan(_offsets[slot]);
        return _wide[slot] ? BinaryPrimitives.ReadDoubleLittleEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes);
    }

    /// <summary>Sets one slot after the prefix.</summary>
    public void Write(byte[] packed, int slot, double value)
    {
        CheckSlot(slot);
        var bytes = packed.AsSpan(_offsets[slot]);
        if (_wide[slot]) BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        else BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)value);
    }

    private void CheckSlot(int slot)
    {
        if (slot < Prefix || slot >= Length) throw new ArgumentOutOfRangeException(nameof(slot), slot, $"slots {Prefix}..{Length - 1} are packed");
    }

    private void CheckPacked(byte[] packed)
    {
        if (packed.Length != ByteLength) throw new ArgumentException($"a packed state of {packed.Length} bytes, the layout has {ByteLength}", nameof(packed));
    }
}
