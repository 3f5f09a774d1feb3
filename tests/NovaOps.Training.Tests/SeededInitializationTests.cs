using NovaOps.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace NovaOps.Training.Tests;

/// <summary>
/// A model seeded through its own generator starts from the same weights whatever else draws from
/// libtorch's global generator meanwhile (CI once saw two trainings of one seed differ while other tests
/// ran in parallel), and the draws follow PyTorch's default bounds.
/// </summary>
public class SeededInitializationTests
{
    [Theory]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.Lstm)]
    public void Same_seed_same_weights_whatever_the_global_generator_does(RecurrentCell cell)
    {
        float[][] Weights(nn.Module model) => [.. model.parameters().Select(p => p.detach().flatten().data<float>().ToArray())];

        random.manual_seed(1);
        using (var g = new Generator(11))
        using (var ae = new Autoencoder(6, [4, 2], init: g))
        using (var g2 = new Generator(11))
        {
            using var noise = randn(1000); // another user of the global generator
            random.manual_seed(2);
            using var again = new Autoencoder(6, [4, 2], init: g2);
            Assert.Equal(Weights(ae), Weights(again));
        }

        random.manual_seed(3);
        using var ga = new Generator(12);
        using var a = new IncidentRnn(5, 9, layers: 2, cell, init: ga);
        random.manual_seed(4);
        using var gb = new Generator(12);
        using var b = new IncidentRnn(5, 9, layers: 2, cell, init: gb);
        Assert.Equal(Weights(a), Weights(b));

        using var gc = new Generator(13);
        using var c = new IncidentRnn(5, 9, layers: 2, cell, init: gc);
        Assert.NotEqual(Weights(a), Weights(c));
        double recurrentBound = 1 / Math.Sqrt(9), headBound = 1 / Math.Sqrt(9);
        Assert.All(Weights(c.Recurrent).SelectMany(w => w), w => Assert.InRange(Math.Abs(w), 0, recurrentBound));
        Assert.All(Weights(c.Head).SelectMany(w => w), w => Assert.InRange(Math.Abs(w), 0, headBound));
    }
}
