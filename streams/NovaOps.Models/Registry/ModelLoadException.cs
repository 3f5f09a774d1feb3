namespace NovaOps.Models.Registry;

/// <summary>A model that must not score: missing or corrupt files, or a card for other features. The message says which and why.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
