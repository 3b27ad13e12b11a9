using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.WebRtc.Tests.Srtp;

public sealed class AesCounterModeTests
{
    [Fact]
    public void An_empty_payload_is_left_alone_instead_of_throwing()
    {
        using var cipher = new AesCounterMode(new byte[16]);
        var iv = new byte[16];
        cipher.Apply(iv, Span<byte>.Empty);

        // The cipher still works afterwards: a keystream XORed into zeros is not all zeros.
        var data = new byte[16];
        cipher.Apply(iv, data);
        Assert.Contains(data, b => b != 0);
    }
}
