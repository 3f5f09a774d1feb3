using Microsoft.ML.OnnxRuntime;
using NovaOps.Models.Cards;

namespace NovaOps.Models.Registry;

/// <summary>A validated model: its card and an ONNX Runtime session ready to run.</summary>
public sealed class LoadedModel : IDisposable
{
    internal LoadedModel(string directory, ModelCard card, InferenceSession session)
    {
        Directory = directory;
        Card = card;
        Session = session;
    }

    public string Directory { get; }
    public ModelCard Card { get; }
    public InferenceSession Session { get; }

    /// <summary>"name/version", as written on events.</summary>
    public string Id => $"{Card.Name}/{Card.Version}";

    public void Dispose() => Session.Dispose();
}
