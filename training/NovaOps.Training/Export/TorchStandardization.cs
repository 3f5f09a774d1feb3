using NovaOps.Datasets;
using TorchSharp;
using static TorchSharp.torch;

namespace NovaOps.Training.Export;

/// <summary>
/// The exported graph's standardisation (subtract, divide, clip), in TorchSharp: what parity checks and
/// notebooks compare the ONNX model against.
/// </summary>
public static class TorchStandardization
{
    public static Tensor Apply(Tensor x, FeatureStandardization s) => Apply(x, s.Mean, s.Std, s.Clip);

    public static Tensor Apply(Tensor x, float[] mean, float[] std, float? clip)
    {
        using var scope = NewDisposeScope();
        var z = (x - tensor(mean)) / tensor(std);
        if (clip is not { } c) return z.MoveToOuterDisposeScope();
        // The bounds are Scalars held until clamp returns: an implicit float→Scalar temporary can be freed by
        // the garbage collector while libtorch still reads it (see AdamOptimizer).
        using var low = (-c).ToScalar();
        using var high = c.ToScalar();
        return z.clamp(low, high).MoveToOuterDisposeScope();
    }
}
