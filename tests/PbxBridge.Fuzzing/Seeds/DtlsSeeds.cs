using System.Collections.Concurrent;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.Fuzzing.Seeds;

/// <summary>
/// DTLS seeds recorded from a real handshake: our DTLS-SRTP client and server (BouncyCastle with the overrides
/// verified against Chromium) run one handshake in memory, and every datagram either side sent is kept: the
/// ClientHello, the server's flight (ServerHello, Certificate, ServerKeyExchange, CertificateRequest,
/// ServerHelloDone), the client's Certificate/ClientKeyExchange/CertificateVerify/ChangeCipherSpec/Finished, and
/// the server's ChangeCipherSpec/Finished.
/// </summary>
public static class DtlsSeeds
{
    public static IReadOnlyList<byte[]> Record(DtlsCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var datagrams = new ConcurrentQueue<byte[]>();
        var connected = new CountdownEvent(2);
        IReadOnlyList<SrtpProtectionProfile> profiles = [SrtpProtectionProfile.AesCm128HmacSha1_80, SrtpProtectionProfile.AeadAes128Gcm];
        DtlsSrtpSession? client = null;
        var server = new DtlsSrtpSession(true, certificate, certificate.Fingerprint, profiles, TimeSpan.FromSeconds(10), datagram =>
        {
            datagrams.Enqueue(datagram.ToArray());
            client?.Transport.Deliver(datagram);
        }, _ => { });
        client = new DtlsSrtpSession(false, certificate, certificate.Fingerprint, profiles, TimeSpan.FromSeconds(10), datagram =>
        {
            datagrams.Enqueue(datagram.ToArray());
            server.Transport.Deliver(datagram);
        }, _ => { });
        server.Start(() => connected.Signal(), _ => { });
        client.Start(() => connected.Signal(), _ => { });
        try
        {
            if (!connected.Wait(TimeSpan.FromSeconds(30)))
            {
                throw new InvalidOperationException("the in-memory DTLS handshake that records the seeds did not complete");
            }
        }
        finally
        {
            client.Close();
            server.Close();
            connected.Dispose();
        }

        return [.. datagrams];
    }
}
