using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NovaOps.Training.Training;

/// <summary>
/// Adam (Kingma &amp; Ba; PyTorch's formulation and defaults) written against TorchSharp's in-place ops.
/// Why not <c>optim.Adam</c>: in TorchSharp 0.107 its step divides tensors by doubles through temporary
/// Scalars that nothing keeps alive, so the garbage collector can free one while libtorch reads it; seen
/// here as sporadic "Expected false to be true ... toDouble/toFloat (Scalar.h:140)" failures, with or
/// without a dispose scope around the step. Here every Scalar is held until its op has returned, including
/// the alpha that TorchSharp's one-argument overloads (<c>add_(Scalar)</c>, <c>add_(Tensor)</c>) make up
/// as a temporary of their own: always call the overloads that take alpha.
/// </summary>
internal sealed class AdamOptimizer : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private readonly double _learningRate;
    private readonly List<(Parameter Parameter, Tensor Mean, Tensor Variance)> _state = [];
    private readonly Scalar _beta1 = Beta1.ToScalar(), _oneMinusBeta1 = (1 - Beta1).ToScalar();
    private readonly Scalar _beta2 = Beta2.ToScalar(), _oneMinusBeta2 = (1 - Beta2).ToScalar();
    private readonly Scalar _epsilon = Epsilon.ToScalar(), _one = 1.0.ToScalar();
    private int _steps;

    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate)
    {
        _learningRate = learningRate;
        using var _ = no_grad();
        foreach (var p in parameters)
            _state.Add((p, zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope()));
    }

    public void ZeroGrad()
    {
        foreach (var (p, _, _) in _state) p.grad?.zero_();
    }

    public void Step()
    {
        _steps++;
        double correction1 = 1 - Math.Pow(Beta1, _steps), correction2 = 1 - Math.Pow(Beta2, _steps);
        using var stepSize = (-_learningRate / correction1).ToScalar();
        using var rootCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var _ = no_grad();
        foreach (var (p, m, v) in _state)
        {
            var g = p.grad;
            if (g is null) continue;
            m.mul_(_beta1).add_(g, _oneMinusBeta1);
            v.mul_(_beta2).addcmul_(g, g, _oneMinusBeta2);
            using var root = v.sqrt();
            using var denominator = root.div_(rootCorrection2).add_(_epsilon, _one);
            p.addcdiv_(m, denominator, stepSize);
            GC.KeepAlive(g);
        }
    }

    public void Dispose()
    {
        foreach (var (_, m, v) in _state) { m.Dispose(); v.Dispose(); }
        _beta1.Dispose(); _oneMinusBeta1.Dispose(); _beta2.Dispose(); _oneMinusBeta2.Dispose(); _epsilon.Dispose(); _one.Dispose();
    }
}
