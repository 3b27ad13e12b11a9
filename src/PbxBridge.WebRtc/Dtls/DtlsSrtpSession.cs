using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using SrtpProtectionProfile = PbxBridge.WebRtc.Srtp.SrtpProtectionProfile;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>
/// One DTLS association of one call, in either role, on its own thread: BouncyCastle's Accept/Connect and
/// Receive block, and the UDP receive loop must keep answering STUN meanwhile. After the handshake the thread
/// keeps reading, because only that lets BouncyCastle retransmit a lost final flight and notice close_notify.
/// </summary>
internal sealed class DtlsSrtpSession
{
    private const int ReadTimeoutMillis = 1000;

    private readonly bool _isServer;
    private readonly DtlsCertificate _certificate;
    private readonly DtlsFingerprint _remoteFingerprint;
    private readonly IReadOnlyList<SrtpProtectionProfile> _profiles;
    private readonly int _handshakeTimeoutMillis;
    private readonly Action<DtlsSrtpKeyingMaterial> _onKeys;
    private DtlsTransport? _dtls;
    private volatile bool _closedLocally;
    private int _state = (int)DtlsState.New;

    public DtlsSrtpSession(
        bool isServer,
        DtlsCertificate certificate,
        DtlsFingerprint remoteFingerprint,
        IReadOnlyList<SrtpProtectionProfile> profiles,
        TimeSpan handshakeTimeout,
        DatagramSender send,
        Action<DtlsSrtpKeyingMaterial> onKeys)
    {
        _isServer = isServer;
        _certificate = certificate;
        _remoteFingerprint = remoteFingerprint;
        _profiles = profiles;
        _handshakeTimeoutMillis = (int)Math.Clamp(handshakeTimeout.TotalMilliseconds, 1, int.MaxValue);
        _onKeys = onKeys;
        Transport = new DtlsDatagramTransport(send);
    }

    public DtlsDatagramTransport Transport { get; }

    public bool IsServer => _isServer;

    public DtlsState State => (DtlsState)Volatile.Read(ref _state);

    /// <summary>The negotiated cipher suite, e.g. TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, once connected.</summary>
    public string? CipherSuite { get; private set; }

    /// <summary>Runs the handshake and then the read loop on a dedicated thread.</summary>
    public void Start(Action onConnected, Action<string> onClosed)
    {
        Volatile.Write(ref _state, (int)DtlsState.Connecting);
        var thread = new Thread(() => Run(onConnected, onClosed))
        {
            IsBackground = true,
            Name = _isServer ? "dtls-server" : "dtls-client",
        };
        thread.Start();
    }

    /// <summary>Sends close_notify (RFC 5246 §7.2.1) if connected, and stops the read loop.</summary>
    public void Close()
    {
        _closedLocally = true;
        try
        {
            _dtls?.Close();
        }
        catch (IOException)
        {
            // The peer is gone already; nothing to notify.
        }
        finally
        {
            Transport.Close();
            Interlocked.CompareExchange(ref _state, (int)DtlsState.Closed, (int)DtlsState.Connected);
        }
    }

    private void Run(Action onConnected, Action<string> onClosed)
    {
        var crypto = new BcTlsCrypto(new SecureRandom());
        string? failure = null;
        DtlsSrtpServer? server = null;
        DtlsSrtpClient? client = null;
        try
        {
            if (_isServer)
            {
                server = new DtlsSrtpServer(crypto, _certificate, _remoteFingerprint, _profiles, _handshakeTimeoutMillis, _onKeys);
                // No DtlsRequest: no cookie exchange. ICE already proved the address, and BouncyCastle cannot
                // answer Chromium's two-fragment ClientHello with a HelloVerifyRequest.
                _dtls = new DtlsServerProtocol().Accept(server, Transport);
            }
            else
            {
                client = new DtlsSrtpClient(crypto, _certificate, _remoteFingerprint, _profiles, _handshakeTimeoutMillis, _onKeys);
                _dtls = new DtlsClientProtocol().Connect(client, Transport);
            }

            var suite = server?.NegotiatedCipherSuite ?? client?.NegotiatedCipherSuiteOrDefault ?? -1;
            CipherSuite = CipherSuiteNames.Name(suite);
            Volatile.Write(ref _state, (int)DtlsState.Connected);
            onConnected();
            ReadUntilClosed();
            failure = _closedLocally ? "closed locally" : "DTLS close_notify received";
            Volatile.Write(ref _state, (int)DtlsState.Closed);
        }
#pragma warning disable CA1031 // This is the thread's top: anything escaping it would end the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = _closedLocally
                ? "closed locally"
                : server?.FailureReason ?? client?.FailureReason ?? $"DTLS failed: {ex.Message}";
            Volatile.Write(ref _state, _closedLocally ? (int)DtlsState.Closed : (int)DtlsState.Failed);
        }

        if (!_closedLocally)
        {
            onClosed(failure);
        }
    }

    private void ReadUntilClosed()
    {
        var buffer = new byte[DtlsDatagramTransport.Mtu + 300];
        while (!_closedLocally && !Transport.IsClosed)
        {
            // Application data (a data channel) is not used on an audio leg: read and discard.
            _dtls!.Receive(buffer, 0, buffer.Length, ReadTimeoutMillis);
        }
    }
}
