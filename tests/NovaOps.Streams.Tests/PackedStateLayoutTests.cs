using NovaOps.Streams.Anomaly.State;

namespace NovaOps.Streams.Tests;

public class PackedStateLayoutTests
{
    [Fact]
    public void The_prefix_and_the_wide_slots_keep_every_digit_the_rest_a_float_s()
    {
        var layout = new PackedStateLayout(length: 6, prefix: 2, wide: [4]);
        Assert.Equal(2 * 8 + 3 * 4 + 8, layout.ByteLength);
        double instant = 1_790_000_123_456.0, third = 1.0 / 3;
        var packed = layout.Pack([instant, third, third, double.NaN, instant, double.NegativeInfinity]);

        var state = layout.Unpack(packed);
        Assert.Equal(instant, state[0]);
        Assert.Equal(third, state[1]);
        Assert.Equal((float)third, state[2]);
        Assert.NotEqual(third, state[2]);
        Assert.True(double.IsNaN(state[3]));
        Assert.Equal(instant, state[4]);
        Assert.Equal(double.NegativeInfinity, state[5]);
        Assert.Equal(instant, layout.Read(packed, 4));
        Assert.Equal((float)third, layout.Read(packed, 2));
    }

    [Fact]
    public void The_prefix_is_read_and_written_in_place()
    {
        var layout = new PackedStateLayout(length: 4, prefix: 2);
        var packed = layout.Pack([1, 2, 3, 4]);
        layout.PrefixOf(packed)[1] = 20;
        layout.Write(packed, 3, 40);
        Assert.Equal([1.0, 20, 3, 40], layout.Unpack(packed));
    }

    [Fact]
    public void Unpacking_the_rest_leaves_the_prefix_of_the_scratch_alone()
    {
        var layout = new PackedStateLayout(length: 3, prefix: 1);
        var packed = layout.Pack([1, 2, 3]);
        var scratch = new double[] { -1, -1, -1 };
        layout.UnpackRest(packed, scratch);
        Assert.Equal([-1.0, 2, 3], scratch);
        scratch[2] = 30;
        layout.PackRest(scratch, packed);
        Assert.Equal([1.0, 2, 30], layout.Unpack(packed));
    }

    [Fact]
    public void Wrong_sizes_and_slots_are_refused()
    {
        var layout = new PackedStateLayout(length: 3, prefix: 1);
        Assert.Throws<ArgumentException>(() => layout.Pack([1, 2]));
        Assert.Throws<ArgumentException>(() => layout.UnpackRest(new byte[3], new double[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => layout.Read(layout.Pack([1, 2, 3]), 0)); // in the prefix: PrefixOf
        Assert.Throws<ArgumentOutOfRangeException>(() => new PackedStateLayout(length: 3, prefix: 1, wide: [0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PackedStateLayout(length: 3, prefix: 4));
    }
}
