namespace NovaOps.Simulator;

/// <summary>
/// Counter-based randomness: a value is a pure function of (seed, stream, a, b), so any VM at any
/// tick can be generated in any order, on any thread, and still reproduce the same fleet.
/// </summary>
internal static class DeterministicRandom
{
    public static ulong Hash(ulong seed, ulong stream, ulong a, ulong b)
    {
        ulong x = seed * 0x9E3779B97F4A7C15UL ^ stream * 0xBF58476D1CE4E5B9UL ^ a * 0x94D049BB133111EBUL ^ b * 0xD6E8FEB86659FD93UL;
        // SplitMix64 finaliser
        x ^= x >> 30; x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27; x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return x;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public static double Uniform(ulong seed, ulong stream, ulong a, ulong b) => (Hash(seed, stream, a, b) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal (Box-Muller on two counter-based uniforms).</summary>
    public static double Normal(ulong seed, ulong stream, ulong a, ulong b)
    {
        double u1 = Uniform(seed, stream, a, b * 2 + 1);
        double u2 = Uniform(seed, stream, a, b * 2 + 2);
        return Math.Sqrt(-2.0 * Math.Log(1.0 - u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
