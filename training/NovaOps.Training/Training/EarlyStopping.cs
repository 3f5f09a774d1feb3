using static TorchSharp.torch;

namespace NovaOps.Training.Training;

/// <summary>Remembers the best epoch's weights and says when patience has run out.</summary>
internal sealed class EarlyStopping(nn.Module model, int patience, bool higherIsBetter) : IDisposable
{
    private Dictionary<string, Tensor>? _best;
    private double _bestFigure = higherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
    private int _sinceBest;

    public int BestEpoch { get; private set; }

    /// <summary>Records an epoch's figure; true when it is the best so far.</summary>
    public bool Observe(int epoch, double figure)
    {
        bool better = higherIsBetter ? figure > _bestFigure : figure < _bestFigure;
        if (!better) { _sinceBest++; return false; }
        _bestFigure = figure;
        _sinceBest = 0;
        BestEpoch = epoch;
        DisposeBest();
        _best = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
        return true;
    }

    public bool ShouldStop => _sinceBest >= patience;

    /// <summary>Puts the best epoch's weights back into the model.</summary>
    public void RestoreBest()
    {
        if (_best is null) return;
        using (no_grad())
            foreach (var (name, tensor) in model.state_dict())
                tensor.copy_(_best[name]);
    }

    private void DisposeBest()
    {
        if (_best is null) return;
        foreach (var t in _best.Values) t.Dispose();
        _best = null;
    }

    public void Dispose() => DisposeBest();
}
