using Org.BouncyCastle.Tls;
using SrtpProtectionProfile = PbxBridge.WebRtc.Srtp.SrtpProtectionProfile;

namespace PbxBridge.WebRtc.Dtls;

/// <summary>
/// One DTLS association of one call, in either role. The handshake runs on a thread of its own, because
/// BouncyCastle's Accept/Connect block and the UDP receive loop must keep answering STUN meanwhile; that thread ends
/// once connected. What can still arrive afterwards is rare: the peer's last flight again because ours was lost
/// (RFC 6347 §4.2.4: we must send ours again), close_notify, an alert, application data an audio leg does not use.
/// Each such datagram schedules a short read on the thread pool in which BouncyCastle does all of that. A thread per
/// call that woke every second to find nothing cost a thread and its stack for the whole call.
/// </summary>
internal sealed class DtlsSrtpSession
{
    // BouncyCastle reads 0 as "wait forever": 1 ms lets a read take what is queued and return.
    private const int PendingReadWaitMillis = 1;

    private readonly bool _isServer;
    private readonly DtlsCertificate _certificate;
    private readonly DtlsFingerprint _remoteFingerprint;
    private readonly IReadOnlyList<SrtpProtectionProfile> _profiles;
    private readonly int _handshakeTimeoutMillis;
    private readonly Action<DtlsSrtpKeyingMaterial> _onKeys;
    private readonly Lock _readGate = new();
    private DtlsTransport? _dtls;
    private DtlsSrtpServer? _server;
    private DtlsSrtpClient? _client;
    private Thread? _handshakeThread;
    private Action<string>? _onClosed;
    private byte[]? _readBuffer;
    private volatile bool _closedLocally;
    private int _readScheduled;
    private int _closeReported;
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

    /// <summary>The certificate chain this side presented in the handshake, once connected.</summary>
    internal Certificate? PresentedChain => _server?.PresentedChain ?? _client?.PresentedChain;

    /// <summary>Whether the handshake thread still runs (it ends once connected or failed).</summary>
    internal bool IsHandshakeThreadAlive => _handshakeThread?.IsAlive == true;

    /// <summary>Runs the handshake on a dedicated thread; later datagrams are read as they come.</summary>
    public void Start(Action onConnected, Action<string> onClosed)
    {
        _onClosed = onClosed;
        Volatile.Write(ref _state, (int)DtlsState.Connecting);
        _handshakeThread = new Thread(() => Handshake(onConnected))
        {
            IsBackground = true,
            Name = _isServer ? "dtls-server" : "dtls-client",
        };
        _handshakeThread.Start();
    }

    /// <summary>Sends close_notify (RFC 5246 §7.2.1) if connected, and stops the read loop.</summary>
    public void Close()
    {
        _closedLocally = true;
        try
        {
            // Not while a pending read is inside BouncyCastle, which is not safe for two threads at once.
            lock (_readGate)
            {
                _dtls?.Close();
            }
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

    private void Handshake(Action onConnected)
    {
        var crypto = DtlsCrypto.Shared;
        try
        {
            if (_isServer)
            {
                _server = new DtlsSrtpServer(crypto, _certificate, _remoteFingerprint, _profiles, _handshakeTimeoutMillis, _onKeys);
                // No DtlsRequest: no cookie exchange. ICE already proved the address, and BouncyCastle cannot
                // answer Chromium's two-fragment ClientHello with a HelloVerifyRequest.
                _dtls = new DtlsServerProtocol().Accept(_server, Transport);
            }
            else
            {
                _client = new DtlsSrtpClient(crypto, _certificate, _remoteFingerprint, _profiles, _handshakeTimeoutMillis, _onKeys);
                _dtls = new DtlsClientProtocol().Connect(_client, Transport);
            }

            var suite = _server?.NegotiatedCipherSuite ?? _client?.NegotiatedCipherSuiteOrDefault ?? -1;
            CipherSuite = CipherSuiteNames.Name(suite);
            Volatile.Write(ref _state, (int)DtlsState.Connected);
            onConnected();
        }
#pragma warning disable CA1031 // This is the thread's top: anything escaping it would end the process.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _state, _closedLocally ? (int)DtlsState.Closed : (int)DtlsState.Failed);
            ReportClosed(FailureReason(ex));
            return;
        }

        // From here on nobody waits in Receive: each datagram schedules a read, and any that came while the
        // handshake was finishing is read now.
        Transport.OnDelivered = ScheduleRead;
        ScheduleRead();
    }

    private void ScheduleRead()
    {
        if (Interlocked.Exchange(ref _readScheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static session => session.ReadPending(), this, preferLocal: false);
        }
    }

    private void ReadPending()
    {
        string? closed = null;
        lock (_readGate)
        {
            // Cleared before reading, so a datagram that arrives while this read runs schedules the next one.
            Volatile.Write(ref _readScheduled, 0);
            try
            {
                while (!_closedLocally && !Transport.IsClosed && Transport.HasPending)
                {
                    // Inside, BouncyCastle sends our last flight again when the peer repeats its own and answers
                    // close_notify with close_notify; application data comes back here and is dropped.
                    _readBuffer ??= new byte[DtlsDatagramTransport.Mtu + 300];
                    _dtls!.Receive(_readBuffer, 0, _readBuffer.Length, PendingReadWaitMillis);
                }

                if (Transport.IsClosed && !_closedLocally)
                {
                    Volatile.Write(ref _state, (int)DtlsState.Closed);
                    closed = WebRtcCloseReasons.ClosedByBrowser;
                }
            }
#pragma warning disable CA1031 // A thread-pool item's top: a fatal alert ends this call, never the process.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Volatile.Write(ref _state, _closedLocally ? (int)DtlsState.Closed : (int)DtlsState.Failed);
                closed = FailureReason(ex);
            }
        }

        if (closed is not null)
        {
            ReportClosed(closed);
        }
    }

    private string FailureReason(Exception ex) => _closedLocally
        ? "closed locally"
        : _server?.FailureReason ?? _client?.FailureReason ?? $"DTLS failed: {ex.Message}";

    /// <summary>Once, and never after our own Close: the owner already knows then.</summary>
    private void ReportClosed(string reason)
    {
        if (!_closedLocally && Interlocked.Exchange(ref _closeReported, 1) == 0)
        {
            _onClosed?.Invoke(reason);
        }
    }
}
