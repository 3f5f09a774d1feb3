namespace NovaOps.Chaos.Fuzzing;

/// <summary>The ways a record is damaged on its way to a consumer.</summary>
public enum Mutation
{
    /// <summary>One to eight bits flipped.</summary>
    BitFlip,
    /// <summary>Cut at a random length, down to nothing.</summary>
    Truncation,
    /// <summary>Random bytes of a random length (not a record at all).</summary>
    RandomBytes,
    /// <summary>A length-delimited field claiming up to 2^35 bytes, inserted at a random place.</summary>
    HugeLength,
    /// <summary>A random byte sequence spliced into the record.</summary>
    Splice,
    /// <summary>The record repeated past the largest record a topic carries.</summary>
    Oversize,
}

/// <summary>
/// Deterministic record mutations from a seed (the same seed, the same records), in the mix of <see cref="Next"/>:
/// oversize records, which cost a megabyte each, are one in a thousand.
/// </summary>
public sealed class RecordMutator(int seed)
{
    private readonly Random _random = new(seed);

    public (Mutation Kind, byte[] Value) Next(byte[] valid)
    {
        int roll = _random.Next(1000);
        var kind = roll == 0 ? Mutation.Oversize : (Mutation)(roll % 5);
        return (kind, Apply(kind, valid));
    }

    public byte[] Apply(Mutation kind, byte[] valid) => kind switch
    {
        Mutation.BitFlip => BitFlip(valid),
        Mutation.Truncation => valid[.._random.Next(valid.Length + 1)],
        Mutation.RandomBytes => RandomBytes(_random.Next(0, 513)),
        Mutation.HugeLength => HugeLength(valid),
        Mutation.Splice => Splice(valid),
        Mutation.Oversize => Oversize(valid),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private byte[] BitFlip(byte[] valid)
    {
        var copy = (byte[])valid.Clone();
        if (copy.Length == 0) return RandomBytes(1);
        for (int i = 0, flips = _random.Next(1, 9); i < flips; i++) copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        return copy;
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private byte[] HugeLength(byte[] valid)
    {
        // A tag for field 1..15 with wire type 2 (length-delimited), then a varint of up to 35 bits.
        byte tag = (byte)((_random.Next(1, 16) << 3) | 2);
        byte[] length = [0xFF, 0xFF, 0xFF, 0xFF, (byte)_random.Next(0x01, 0x10)];
        int at = _random.Next(valid.Length + 1);
        return [.. valid[..at], tag, .. length, .. valid[at..]];
    }

    private byte[] Splice(byte[] valid)
    {
        int at = _random.Next(valid.Length + 1);
        return [.. valid[..at], .. RandomBytes(_random.Next(1, 33)), .. valid[at..]];
    }

    private static byte[] Oversize(byte[] valid)
    {
        // Concatenated protobuf messages merge into one valid message: only the size is wrong.
        var unit = valid.Length == 0 ? new byte[] { 0 } : valid;
        int copies = (NovaOps.Contracts.RecordLimits.MaxBytes / unit.Length) + 2;
        var big = new byte[unit.Length * copies];
        for (int i = 0; i < copies; i++) unit.CopyTo(big, i * unit.Length);
        return big;
    }
}
