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

    /// <summary>
    /// For hosts that load our assemblies by path (notebooks, scripts): loads libtorch and the patched
    /// libLibTorchSharp.so from the build output these assemblies came from. Such hosts do not read the
    /// output's deps.json, so TorchSharp would otherwise fall back to copying the unpatched library out
    /// of the NuGet cache, which does not load on Debian 12 (see build/LibTorchSharp.targets).
    /// </summary>
    public static void UseBuildOutputNatives()
    {
        PinExactCpuKernels();
        if (!OperatingSystem.IsLinux()) return;
        string dir = Path.Combine(Path.GetDirectoryName(typeof(TorchRuntime).Assembly.Location)!, "runtimes", "linux-x64", "native");
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: not a build output of a TorchSharp project (build training/NovaOps.Training.Cli first)");
        NativeLibrary.Load(Path.Combine(dir, "libtorch_cpu.so"));
        NativeLibrary.Load(Path.Combine(dir, "libLibTorchSharp.so"));
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
