using NovaOps.Onnx.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NovaOps.Training.Export;

/// <summary>Reads TorchSharp modules' parameters into the exporter's PyTorch-layout weight records.</summary>
public static class TorchWeights
{
    public static LinearWeights Of(Linear linear)
    {
        var p = Parameters(linear);
        var weight = p["weight"];
        return new LinearWeights((int)weight.shape[1], (int)weight.shape[0], Values(weight), Values(p["bias"]));
    }

    /// <summary>Layer <paramref name="layer"/> of a (one-direction) GRU.</summary>
    public static GruWeights Of(GRU gru, int layer)
    {
        var p = Parameters(gru);
        var ih = p[$"weight_ih_l{layer}"];
        return new GruWeights((int)ih.shape[1], (int)ih.shape[0] / 3, Values(ih), Values(p[$"weight_hh_l{layer}"]),
            Values(p[$"bias_ih_l{layer}"]), Values(p[$"bias_hh_l{layer}"]));
    }

    /// <summary>Layer <paramref name="layer"/> of a (one-direction) LSTM.</summary>
    public static LstmWeights Of(LSTM lstm, int layer)
    {
        var p = Parameters(lstm);
        var ih = p[$"weight_ih_l{layer}"];
        return new LstmWeights((int)ih.shape[1], (int)ih.shape[0] / 4, Values(ih), Values(p[$"weight_hh_l{layer}"]),
            Values(p[$"bias_ih_l{layer}"]), Values(p[$"bias_hh_l{layer}"]));
    }

    private static Dictionary<string, Tensor> Parameters(TorchSharp.torch.nn.Module module) =>
        module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);

    /// <summary>A tensor's values, row-major, as float32.</summary>
    public static float[] Values(Tensor t)
    {
        using var c = t.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return c.data<float>().ToArray();
    }
}
