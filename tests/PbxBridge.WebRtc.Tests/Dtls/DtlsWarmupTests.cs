using PbxBridge.WebRtc.Dtls;

namespace PbxBridge.WebRtc.Tests.Dtls;

public sealed class DtlsWarmupTests
{
    [Fact]
    public async Task Warm_up_handshake_completes_in_memory_between_our_client_and_server()
    {
        var elapsed = await DtlsWarmup.RunAsync(DtlsCertificate.Generate(), TimeSpan.FromSeconds(20));

        Assert.True(elapsed > TimeSpan.Zero);
    }
}
