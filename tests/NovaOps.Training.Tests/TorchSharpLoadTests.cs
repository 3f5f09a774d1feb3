using static TorchSharp.torch;

namespace NovaOps.Training.Tests;

/// <summary>TorchSharp's native library loads here (the build step of build/LibTorchSharp.targets) and computes.</summary>
public class TorchSharpLoadTests
{
    [Fact]
    public void A_tensor_op_runs_on_libtorch()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, b.data<float>().ToArray());
    }
}

internal static class TestAssemblySetup
{
    // Before any test touches libtorch, so that oneDNN starts with the training library's settings.
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Init() => TorchRuntime.PinExactCpuKernels();
}
