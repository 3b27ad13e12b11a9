namespace PbxBridge.Media.Tests.L16;

public sealed class L16Tests
{
    [Fact]
    public void Samples_are_written_big_endian_as_Asterisk_slin16_expects()
    {
        short[] samples = [0x0102, -2];
        var bytes = new byte[4];
        Media.L16.L16.Encode(samples, bytes);
        Assert.Equal(new byte[] { 0x01, 0x02, 0xFF, 0xFE }, bytes);
    }

    [Fact]
    public void Decode_reverses_encode_and_ignores_an_odd_trailing_byte()
    {
        short[] samples = [1234, -32768, 32767, 0];
        var bytes = new byte[9];
        Media.L16.L16.Encode(samples, bytes);
        var decoded = new short[4];
        Assert.Equal(4, Media.L16.L16.Decode(bytes, decoded));
        Assert.Equal(samples, decoded);
    }
}
