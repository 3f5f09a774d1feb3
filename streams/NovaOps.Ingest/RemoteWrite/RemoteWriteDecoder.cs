using Google.Protobuf;
using NovaOps.Ingest.RemoteWrite.Wire;

namespace NovaOps.Ingest.RemoteWrite;

/// <summary>A request the endpoint refuses, with the status and the reason it answers.</summary>
public sealed class RemoteWriteException(int status, string reason) : Exception(reason)
{
    public int Status { get; } = status;
}

/// <summary>A remote_write body (snappy block format, then protobuf <c>WriteRequest</c>) into its series.</summary>
public static class RemoteWriteDecoder
{
    public static WriteRequest Decode(ReadOnlySpan<byte> body, long maxDecompressedBytes)
    {
        int length;
        try { length = Snappier.Snappy.GetUncompressedLength(body); }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            throw new RemoteWriteException(400, $"the body is not snappy-compressed (block format): {e.Message}");
        }
        if (length > maxDecompressedBytes)
            throw new RemoteWriteException(413, $"the body expands to {length:N0} bytes, more than the {maxDecompressedBytes:N0} accepted");
        var buffer = new byte[length];
        try { Snappier.Snappy.Decompress(body, buffer); }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            throw new RemoteWriteException(400, $"the snappy block is corrupt: {e.Message}");
        }
        try { return WriteRequest.Parser.ParseFrom(buffer); }
        catch (InvalidProtocolBufferException e)
        {
            throw new RemoteWriteException(400, $"the body is not a remote_write WriteRequest: {e.Message}");
        }
    }
}
