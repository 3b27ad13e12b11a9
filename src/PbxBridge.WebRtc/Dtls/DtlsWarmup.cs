using System.Diagnostics;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>
/// One DTLS-SRTP handshake between our own client and server in memory, to be run once at startup: a cold
/// process needs 126-466 ms for its first BouncyCastle handshake (JIT), long enough for Chromium to retransmit;
/// after a warm-up it is 25-44 ms (shared/reference/webrtc/DTLS-NOTES.md, pitfall 8).
/// </summary>
public static class DtlsWarmup
{
    /// <summary>Returns how long the handshake took; throws if it fails or exceeds <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> RunAsync(DtlsCertificate certificate, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var stopwatch = Stopwatch.StartNew();
        var serverConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        IReadOnlyList<SrtpProtectionProfile> profiles = [SrtpProtectionProfile.AesCm128HmacSha1_80];
        DtlsSrtpSession? client = null;
        var server = new DtlsSrtpSession(
            true, certificate, certificate.Fingerprint, profiles, timeout, datagram => client?.Transport.Deliver(datagram), _ => { });
        client = new DtlsSrtpSession(
            false, certificate, certificate.Fingerprint, profiles, timeout, datagram => server.Transport.Deliver(datagram), _ => { });
        server.Start(() => serverConnected.TrySetResult(), reason => serverConnected.TrySetException(new InvalidOperationException(reason)));
        client.Start(() => clientConnected.TrySetResult(), reason => clientConnected.TrySetException(new InvalidOperationException(reason)));
        try
        {
            await Task.WhenAll(serverConnected.Task, clientConnected.Task).WaitAsync(timeout);
            return stopwatch.Elapsed;
        }
        finally
        {
            client.Close();
            server.Close();
        }
    }
}
