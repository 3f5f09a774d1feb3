using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NovaOps.Training.Models;

/// <summary>
/// Draws a model's starting weights from a generator of its own, with PyTorch's default rules: Linear
/// weights and biases U(-1/√fan_in, 1/√fan_in) (kaiming_uniform with a=√5 reduces to that), every
/// GRU/LSTM parameter U(-1/√hidden, 1/√hidden). The modules' constructors draw from libtorch's one
/// global generator, which any other code in the process can draw from at the same time (a second
/// training in a notebook, tests running in parallel): a seed set there does not make a model
/// reproducible; a generator owned by the training does.
/// </summary>
public static class SeededInitialization
{
    public static void Linear(Linear layer, Generator generator)
    {
        using var _ = no_grad();
        double bound = 1.0 / Math.Sqrt(layer.weight!.shape[1]);
        layer.weight.uniform_(-bound, bound, generator);
        layer.bias?.uniform_(-bound, bound, generator);
    }

    public static void Recurrent(nn.Module recurrent, int hiddenSize, Generator generator)
    {
        using var _ = no_grad();
        double bound = 1.0 / Math.Sqrt(hiddenSize);
        // named_parameters enumerates in registration order (weight_ih_l0, weight_hh_l0, bias_ih_l0, ...): a fixed draw order.
        foreach (var (_, parameter) in recurrent.named_parameters()) parameter.uniform_(-bound, bound, generator);
    }
}
