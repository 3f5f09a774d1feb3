using System.Runtime.InteropServices;

namespace NovaOps.Training;

/// <summary>Process-wide settings libtorch must see before its first call.</summary>
public static partial class TorchRuntime
{
    /// <summary>
    /// Caps oneDNN at AVX2 unless the user chose an ISA. Measured here (Xeon with AVX-512 bf16, libtorch
    /// 2.10 / oneDNN 3.7.1): nn.LSTM inference runs oneDNN's brgemm avx512_core RNN kernel and its last
    /// hidden state is off by up to 2.6e-2 from the LSTM equations (and from the same equations written
    /// with torch ops, which agree with ONNX Runtime to 3e-8); capped at AVX2 it agrees to 3e-8. The
    /// models must compute in training what they compute when exported, so exactness wins over a kernel.
    /// oneDNN reads the setting when it first dispatches a primitive: entry points call this first, and
    /// the model classes call it when first used.
    /// </summary>
    public static void PinExactCpuKernels()
    {
        // oneDNN reads its environment natively, once: .NET's Environment.SetEnvironmentVariable does not
        // reach the C environment on Unix, so set it through libc before libtorch initialises oneDNN.
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") is not null) return;
        _ = SetEnv("ONEDNN_MAX_CPU_ISA", "AVX2", 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
