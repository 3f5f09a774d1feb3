using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NovaOps.Training.Models;

/// <summary>Which recurrent cell the incident predictor uses.</summary>
public enum RecurrentCell { Gru, Lstm }

/// <summary>
/// The incident predictor: a GRU (or LSTM) over a VM's last W standardised feature windows
/// [batch, W, features], its last hidden state through a Linear head to one logit: the log-odds of an
/// incident within the horizon. The sigmoid is left to the loss in training and to the exported graph.
/// </summary>
public sealed class IncidentRnn : nn.Module<Tensor, Tensor>
{
    private readonly GRU? _gru;
    private readonly LSTM? _lstm;
    private readonly Linear _head;

    static IncidentRnn() => TorchRuntime.PinExactCpuKernels();

    /// <param name="init">Draws the starting weights from this generator (reproducible); null: libtorch's global one.</param>
    public IncidentRnn(int features, int hidden, int layers = 1, RecurrentCell cell = RecurrentCell.Gru, Generator? init = null) : base("incident_rnn")
    {
        if (features <= 0 || hidden <= 0 || layers <= 0) throw new ArgumentException("incident predictor needs positive sizes");
        Features = features;
        HiddenSize = hidden;
        LayerCount = layers;
        Cell = cell;
        if (cell == RecurrentCell.Gru) _gru = nn.GRU(features, hidden, layers, batchFirst: true);
        else _lstm = nn.LSTM(features, hidden, layers, batchFirst: true);
        _head = nn.Linear(hidden, 1);
        RegisterComponents();
        if (init is not null)
        {
            SeededInitialization.Recurrent(Recurrent, hidden, init);
            SeededInitialization.Linear(_head, init);
        }
    }

    public int Features { get; }
    public int HiddenSize { get; }
    public int LayerCount { get; }
    public RecurrentCell Cell { get; }
    public nn.Module Recurrent => (nn.Module?)_gru ?? _lstm!;
    public Linear Head => _head;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor last = _gru is not null
            ? _gru.call(x, null).Item2[-1]
            : _lstm!.call(x, null).Item2[-1];
        return _head.call(last).squeeze(-1).MoveToOuterDisposeScope();
    }
}
