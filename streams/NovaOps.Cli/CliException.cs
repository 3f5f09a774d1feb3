namespace NovaOps.Cli;

/// <summary>A user error: printed as a clear message, exit code 2, no stack trace.</summary>
public sealed class CliException(string message) : Exception(message);
