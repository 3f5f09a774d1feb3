using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NovaOps.Training.Models;

/// <summary>
/// A dense autoencoder over one standardised feature window: Linear layers down to a bottleneck and
/// back, ReLU between them, none after the last. What it cannot reconstruct is what it has not seen
/// in healthy windows.
/// </summary>
public sealed class Autoencoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> _layers;

    /// <param name="features">Input width.</param>
    static Autoencoder() => TorchRuntime.PinExactCpuKernels();

    /// <param name="features">Input width.</param>
    /// <param name="hidden">Widths of the encoder's layers, the last being the bottleneck; the decoder mirrors them.</param>
    /// <param name="init">Draws the starting weights from this generator (reproducible); null: libtorch's global one.</param>
    public Autoencoder(int features, IReadOnlyList<int> hidden, Generator? init = null) : base("autoencoder")
    {
        if (features <= 0 || hidden.Count == 0 || hidden.Any(h => h <= 0)) throw new ArgumentException("autoencoder needs positive widths");
        Features = features;
        Hidden = [.. hidden];
        int[] widths = [features, .. hidden, .. hidden.Reverse().Skip(1), features];
        _layers = new ModuleList<Linear>([.. Enumerable.Range(0, widths.Length - 1).Select(i => nn.Linear(widths[i], widths[i + 1]))]);
        RegisterComponents();
        if (init is not null)
            foreach (var layer in _layers) SeededInitialization.Linear(layer, init);
    }

    public int Features { get; }
    public IReadOnlyList<int> Hidden { get; }
    public IReadOnlyList<Linear> Layers => [.. _layers];

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        for (int i = 0; i < _layers.Count; i++)
        {
            x = _layers[i].call(x);
            if (i < _layers.Count - 1) x = nn.functional.relu(x);
        }
        return x.MoveToOuterDisposeScope();
    }
}
