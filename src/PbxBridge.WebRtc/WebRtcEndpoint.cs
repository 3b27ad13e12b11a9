using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using PbxBridge.Media.Rtcp;
using PbxBridge.Net;
using PbxBridge.Sip.Sdp;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Sdp;
using PbxBridge.WebRtc.Srtp;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.WebRtc;

/// <summary>
/// One browser leg of one call on one UDP socket: ICE-lite, DTLS-SRTP and SRTP, negotiated by SDP offer/answer.
/// Typical use: <see cref="AcceptOffer"/> (or <see cref="CreateOffer"/> then <see cref="AcceptAnswer"/>), then
/// <see cref="Start"/>; <see cref="IWebRtcEndpointObserver.OnConnected"/> says when <see cref="SendRtp"/> will
/// deliver. Nothing is sent toward the browser before DTLS completed and SRTP keys exist.
/// <see cref="SendRtp"/> is meant for one sending thread at a time: the media loop the endpoint was given.
/// </summary>
public sealed class WebRtcEndpoint : IAsyncDisposable, IDatagramSink, IIceTcpHost, ISingleUdpPortLeg
{
    private const int StunResponseSize = 512;
    private const int SendBufferSize = 1500;

    // Chromium opens one ICE-TCP connection per (its interface, our TCP candidate) pair: a handful at most.
    private const int MaxIceTcpConnections = 4;

    // As many source addresses as the ICE agent keeps verified: older ones are unbound from the single port.
    private const int BoundAddressLimit = 8;

    private readonly WebRtcOptions _options;
    private readonly UdpPortPool _ports;
    private readonly DtlsCertificate _certificate;
    private readonly IWebRtcEndpointObserver _observer;
    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly int _localPort;
    private readonly MediaEventLoop _loop;
    private readonly DatagramDemultiplexer? _demux;
    private readonly SingleUdpPort? _single;
    private readonly SocketAddress?[] _boundAddresses = new SocketAddress?[BoundAddressLimit];
    private int _nextBound;
    private long _singlePortDatagrams;
    private readonly byte[] _stunResponse = new byte[StunResponseSize];
    private readonly byte[] _sendBuffer = GC.AllocateArray<byte>(SendBufferSize, pinned: true);
    private readonly IceUfragDirectory<IIceTcpHost>? _ufrags;
    private readonly Lock _tcpMembership = new();
    private readonly List<string> _registeredUfrags = [];
    private volatile IceTcpConnection[] _tcp = [];
    private long _tcpConnections;
    private volatile string? _selectedProtocol;
    private long _tcpSendsDroppedClosed;
    private readonly uint _ssrc = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
    private readonly string _cname = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
    private readonly ulong _sessionId = (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue);
    private ulong _sessionVersion = 1;

    private IceCredentials _localIce = IceCredentials.Generate();
    private IceLiteAgent? _agent;
    private DtlsFingerprint? _remoteFingerprint;
    private bool? _isDtlsServer;
    private bool _offered;
    private string? _mid;
    private NegotiatedAudio? _audio;
    private DtlsSrtpSession? _dtls;
    private SocketAddress? _dtlsSource;
    private SrtpContext? _srtpIn;
    private SrtpContext? _srtpOut;
    private SrtcpContext? _srtcpIn;
    private Timer? _consentTimer;
    private DatagramWatch? _watch;
    private volatile bool _connected;
    private int _closed;
    private int _started;
    private int _disposed;

    private long _rtpDelivered;
    private long _rtcpReceived;
    private long _rtpSent;
    private long _droppedBeforeConnected;
    private long _droppedUnverified;
    private long _unknownDatagrams;
    private long _sendsDroppedNotConnected;
    private long _sendsDroppedByDirection;
    private long _dtlsMalformed;
    private long _rtcpMalformed;

    /// <summary>
    /// Rents a socket from <paramref name="ports"/>; throws when the browser port range is exhausted. Its datagrams
    /// are read and handled on <paramref name="loop"/>'s thread, which should be the one that ticks the call. With
    /// <paramref name="iceTcp"/> (and <see cref="WebRtcOptions.IceTcpPorts"/>) the leg also offers passive ICE-TCP
    /// candidates and takes the connections the directory finds for its ufrag, on the same loop. With
    /// <paramref name="singleUdpPort"/> no socket is rented: the leg's UDP media goes through that shared port (its
    /// datagrams still handled on <paramref name="loop"/>, which must be one of the port's loops).
    /// </summary>
    public WebRtcEndpoint(
        WebRtcOptions options, UdpPortPool ports, DtlsCertificate certificate, MediaEventLoop loop, IWebRtcEndpointObserver observer, ILogger logger,
        IceUfragDirectory<IIceTcpHost>? iceTcp = null, SingleUdpPort? singleUdpPort = null)
    {
        _ufrags = iceTcp;
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _ports = ports ?? throw new ArgumentNullException(nameof(ports));
        _certificate = certificate ?? throw new ArgumentNullException(nameof(certificate));
        _loop = loop ?? throw new ArgumentNullException(nameof(loop));
        _observer = observer ?? throw new ArgumentNullException(nameof(observer));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _single = singleUdpPort;
        if (_single is not null)
        {
            _socket = _single.Socket;
            _localPort = _single.Port;
            return;
        }

        if (!ports.TryRent(out _socket))
        {
            throw new InvalidOperationException("No free UDP port left in the browser media port range.");
        }

        _localPort = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _demux = new DatagramDemultiplexer(_socket, this);
    }

    MediaEventLoop ISingleUdpPortLeg.Loop => _loop;

    /// <summary>The negotiated audio; valid after a successful AcceptOffer or AcceptAnswer.</summary>
    public NegotiatedAudio Audio => _audio ?? throw new InvalidOperationException("No SDP has been negotiated yet.");

    public int LocalPort => _localPort;

    /// <summary>Our SSRC toward the browser (announced in a=ssrc); <see cref="SendRtp"/> does not rewrite it.</summary>
    public uint LocalSsrc => _ssrc;

    public bool IsConnected => _connected;

    public IPEndPoint? SelectedRemote => _agent?.NominatedAddress is { } address ? EndPointOf(address) : null;

    /// <summary>
    /// Where the browser's media comes from: the nominated address, or, before nomination, the checked address DTLS
    /// came from (Chromium completes DTLS on its first successful pair and nominates after). Null before either.
    /// </summary>
    public IPEndPoint? RemoteEndPoint => (_agent?.NominatedAddress ?? _dtlsSource) is { } address ? EndPointOf(address) : null;

    public WebRtcStatistics Statistics => new()
    {
        PacketsReceived = _demux?.Datagrams ?? Volatile.Read(ref _singlePortDatagrams),
        RtpPacketsDelivered = Volatile.Read(ref _rtpDelivered),
        RtcpPacketsReceived = Volatile.Read(ref _rtcpReceived),
        RtpPacketsSent = Volatile.Read(ref _rtpSent),
        SrtpAuthenticationFailures = _srtpIn?.AuthenticationFailures ?? 0,
        SrtpReplaysDropped = _srtpIn?.ReplayedPackets ?? 0,
        SrtpMalformed = _srtpIn?.MalformedPackets ?? 0,
        SrtcpAuthenticationFailures = _srtcpIn?.AuthenticationFailures ?? 0,
        SrtcpReplaysDropped = _srtcpIn?.ReplayedPackets ?? 0,
        SrtcpMalformed = _srtcpIn?.MalformedPackets ?? 0,
        RtcpMalformed = Volatile.Read(ref _rtcpMalformed),
        StunBadIntegrity = _agent?.BadIntegrityCount ?? 0,
        StunIgnored = _agent?.IgnoredCount ?? 0,
        DtlsMalformed = Volatile.Read(ref _dtlsMalformed),
        StunErrorResponses = _agent?.ErrorResponseCount ?? 0,
        StunUnauthenticated = _agent?.UnauthenticatedCount ?? 0,
        StunReplayed = _agent?.ReplayedCount ?? 0,
        StunValidChecks = _agent?.ValidCheckCount ?? 0,
        DroppedBeforeConnected = Volatile.Read(ref _droppedBeforeConnected),
        DroppedFromUnverifiedAddress = Volatile.Read(ref _droppedUnverified),
        UnknownDatagrams = Volatile.Read(ref _unknownDatagrams),
        SendsDroppedNotConnected = Volatile.Read(ref _sendsDroppedNotConnected),
        SendsDroppedByDirection = Volatile.Read(ref _sendsDroppedByDirection),
        ReceiveErrors = _demux?.Errors ?? 0,
        SelectedRemote = SelectedRemote,
        SelectedProtocol = _selectedProtocol,
        IceTcpConnections = Volatile.Read(ref _tcpConnections),
        IceTcpSendsDropped = Volatile.Read(ref _tcpSendsDroppedClosed) + _tcp.Sum(c => c.SendsDropped),
        DtlsState = (_dtls?.State ?? DtlsState.New).ToString().ToLowerInvariant(),
        DtlsRole = _isDtlsServer switch { true => "server", false => "client", null => null },
        DtlsCipher = _dtls?.CipherSuite,
        SrtpCipher = _srtpOut?.Profile.Name,
    };

    /// <summary>Answers a browser's offer (we are answerer). Refuses, with a reason, what we cannot serve.</summary>
    public SdpNegotiationResult AcceptOffer(string offerSdp)
    {
        ArgumentNullException.ThrowIfNull(offerSdp);
        if (_agent is not null || _offered)
        {
            return Refuse("an offer/answer exchange already happened; use AcceptReoffer");
        }

        if (!RemoteAudioDescription.TryRead(offerSdp, out var offer, out var reason))
        {
            return Refuse(reason);
        }

        _isDtlsServer = offer.Setup != DtlsSetup.Passive;
        _remoteFingerprint = offer.Fingerprint;
        _mid = offer.Mid;
        _audio = new NegotiatedAudio(offer.OpusPayloadType, offer.TelephoneEventPayloadType, offer.TelephoneEventClockRate,
            SdpDirection.Answer(offer.Direction)) { OpusUseDtx = offer.OpusUseDtx };
        _agent = new IceLiteAgent(_localIce, offer.Ice);
        RegisterUfrag(_localIce.UsernameFragment);
        var answer = SdpAnswerer.CreateAnswer(offer, LocalDescription(SdpAnswerer.AnswerSetup(offer.Setup), offer));
        return SdpNegotiationResult.Answer(answer.ToString());
    }

    /// <summary>An offer toward the browser (we are offerer, setup actpass): the browser's answer picks the DTLS role.</summary>
    public string CreateOffer()
    {
        if (_agent is not null)
        {
            throw new InvalidOperationException("An offer/answer exchange already happened.");
        }

        _offered = true;
        _mid = SdpOfferer.Mid;
        var local = new LocalAudioDescription(
            _options.PublicAddress, _localPort, _localIce, _certificate.Fingerprint, DtlsSetup.ActPass,
            SdpOfferer.OpusPayloadType, SdpOfferer.OfferedTelephoneEvents, MediaDirection.SendRecv, _mid, _ssrc, _cname,
            _sessionId, _sessionVersion)
        {
            AdditionalAddresses = _options.AdditionalHostAddresses,
            TcpPorts = _ufrags is null ? [] : _options.IceTcpPorts,
        };
        return SdpOfferer.CreateOffer(local).ToString();
    }

    /// <summary>Applies the browser's answer to <see cref="CreateOffer"/>.</summary>
    public SdpNegotiationResult AcceptAnswer(string answerSdp)
    {
        ArgumentNullException.ThrowIfNull(answerSdp);
        if (!_offered || _agent is not null)
        {
            return Refuse("no offer of ours is waiting for an answer");
        }

        if (!RemoteAudioDescription.TryRead(answerSdp, out var answer, out var reason))
        {
            return Refuse(reason);
        }

        if (answer.Setup == DtlsSetup.ActPass)
        {
            return Refuse("an answer must choose a=setup:active or passive, not actpass");
        }

        // The browser answering active is the DTLS client, so we serve; passive makes us the client.
        _isDtlsServer = answer.Setup == DtlsSetup.Active;
        _remoteFingerprint = answer.Fingerprint;
        _audio = new NegotiatedAudio(answer.OpusPayloadType, answer.TelephoneEventPayloadType, answer.TelephoneEventClockRate,
            SdpDirection.Answer(answer.Direction)) { OpusUseDtx = answer.OpusUseDtx };
        _agent = new IceLiteAgent(_localIce, answer.Ice);
        RegisterUfrag(_localIce.UsernameFragment);
        return SdpNegotiationResult.Applied();
    }

    /// <summary>
    /// A re-INVITE's offer on an established leg: hold and resume (direction), ICE restart (new ufrag/pwd: we
    /// answer with fresh credentials and follow the next nominated check). The DTLS association is kept; an offer
    /// with another fingerprint is refused.
    /// </summary>
    public SdpNegotiationResult AcceptReoffer(string offerSdp)
    {
        ArgumentNullException.ThrowIfNull(offerSdp);
        if (_agent is null || _remoteFingerprint is null || _isDtlsServer is null)
        {
            return Refuse("no established session to re-negotiate");
        }

        if (!RemoteAudioDescription.TryRead(offerSdp, out var offer, out var reason))
        {
            return Refuse(reason);
        }

        if (offer.Fingerprint.ToString() != _remoteFingerprint.ToString())
        {
            return Refuse("the DTLS fingerprint changed; a new DTLS association on the same leg is not supported");
        }

        var remote = _agent.RemoteCredentials;
        if (offer.Ice.UsernameFragment != remote.UsernameFragment || offer.Ice.Password != remote.Password)
        {
            _localIce = IceCredentials.Generate();
            _agent.Restart(_localIce, offer.Ice);
            RegisterUfrag(_localIce.UsernameFragment);
            WebRtcLog.IceRestart(_logger, _localIce.UsernameFragment);
        }

        _mid = offer.Mid ?? _mid;
        _audio = new NegotiatedAudio(offer.OpusPayloadType, offer.TelephoneEventPayloadType, offer.TelephoneEventClockRate,
            SdpDirection.Answer(offer.Direction)) { OpusUseDtx = offer.OpusUseDtx };
        _sessionVersion++;
        // RFC 5763 §5: keep the established DTLS role in subsequent answers.
        var setup = _isDtlsServer.Value ? DtlsSetup.Passive : DtlsSetup.Active;
        var answer = SdpAnswerer.CreateAnswer(offer, LocalDescription(setup, offer));
        return SdpNegotiationResult.Answer(answer.ToString());
    }

    /// <summary>
    /// Our own offer on the established leg (a re-INVITE of ours, e.g. the PBX holding the agent): the same ICE
    /// credentials, fingerprint, payload types and mid as negotiated, only <paramref name="direction"/> new, and
    /// a=setup:actpass as RFC 5763 §5 has every offerer say. The association is kept: the answer must leave the
    /// browser in its DTLS role (<see cref="AcceptReofferAnswer"/> refuses one that would not).
    /// </summary>
    public string CreateReoffer(MediaDirection direction)
    {
        if (_agent is null || _audio is null || _isDtlsServer is null)
        {
            throw new InvalidOperationException("No established session to re-offer on.");
        }

        _sessionVersion++;
        IReadOnlyList<(int, int)> telephoneEvents = _audio.TelephoneEventPayloadType is { } pt
            ? [(pt, _audio.TelephoneEventClockRate!.Value)]
            : [];
        var local = new LocalAudioDescription(
            _options.PublicAddress, _localPort, _localIce, _certificate.Fingerprint, DtlsSetup.ActPass, _audio.OpusPayloadType,
            telephoneEvents, direction, _mid, _ssrc, _cname, _sessionId, _sessionVersion)
        {
            AdditionalAddresses = _options.AdditionalHostAddresses,
            TcpPorts = _ufrags is null ? [] : _options.IceTcpPorts,
        };
        return SdpOfferer.CreateOffer(local).ToString();
    }

    /// <summary>
    /// Applies the browser's answer to <see cref="CreateReoffer"/>: the direction it settles becomes ours. Refused,
    /// with the session left as it was, when the answer would change the DTLS association (another fingerprint, or
    /// the browser taking the other role) or the ICE credentials (our offer restarted nothing).
    /// </summary>
    public SdpNegotiationResult AcceptReofferAnswer(string answerSdp)
    {
        ArgumentNullException.ThrowIfNull(answerSdp);
        if (_agent is null || _remoteFingerprint is null || _isDtlsServer is null)
        {
            return Refuse("no established session to re-negotiate");
        }

        if (!RemoteAudioDescription.TryRead(answerSdp, out var answer, out var reason))
        {
            return Refuse(reason);
        }

        if (answer.Fingerprint.ToString() != _remoteFingerprint.ToString())
        {
            return Refuse("the DTLS fingerprint changed in the answer to our re-offer");
        }

        var browserRole = _isDtlsServer.Value ? DtlsSetup.Active : DtlsSetup.Passive;
        if (answer.Setup != browserRole)
        {
            return Refuse($"the answer to our re-offer says a=setup:{answer.Setup.ToString().ToLowerInvariant()}: that would change the established DTLS roles");
        }

        var remote = _agent.RemoteCredentials;
        if (answer.Ice.UsernameFragment != remote.UsernameFragment || answer.Ice.Password != remote.Password)
        {
            return Refuse("the answer to our re-offer changed the ICE credentials");
        }

        _audio = new NegotiatedAudio(answer.OpusPayloadType, answer.TelephoneEventPayloadType, answer.TelephoneEventClockRate,
            SdpDirection.Answer(answer.Direction)) { OpusUseDtx = answer.OpusUseDtx };
        return SdpNegotiationResult.Applied();
    }

    /// <summary>Puts the socket on the media loop and starts the consent timer; call after AcceptOffer or AcceptAnswer succeeded.</summary>
    public void Start()
    {
        if (_agent is null)
        {
            throw new InvalidOperationException("Negotiate SDP before starting the endpoint.");
        }

        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }

        if (_demux is not null)
        {
            _watch = _loop.Watch(_socket, _demux);
        }

        var period = TimeSpan.FromMilliseconds(Math.Clamp(_options.ConsentTimeout.TotalMilliseconds / 10, 50, 1000));
        _consentTimer = new Timer(_ => CheckConsent(), null, period, period);
    }

    /// <summary>
    /// SRTP-protects one RTP packet and sends it to the nominated address. Before DTLS completed, without a
    /// nominated address, or while the browser holds the call, the packet is dropped and counted.
    /// </summary>
    public void SendRtp(ReadOnlySpan<byte> rtpPacket)
    {
        var context = Volatile.Read(ref _srtpOut);
        var target = _agent?.NominatedAddress;
        if (!_connected || context is null || target is null || Volatile.Read(ref _closed) != 0)
        {
            Interlocked.Increment(ref _sendsDroppedNotConnected);
            return;
        }

        if (_audio is { MaySend: false })
        {
            Interlocked.Increment(ref _sendsDroppedByDirection);
            return;
        }

        if (rtpPacket.Length + context.Overhead > _sendBuffer.Length)
        {
            Interlocked.Increment(ref _sendsDroppedNotConnected);
            return;
        }

        rtpPacket.CopyTo(_sendBuffer);
        var length = context.Protect(_sendBuffer, rtpPacket.Length);
        if (length < 0)
        {
            Interlocked.Increment(ref _sendsDroppedNotConnected);
            return;
        }

        try
        {
            if (SendTo(_sendBuffer.AsSpan(0, length), target))
            {
                Interlocked.Increment(ref _rtpSent);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _sendsDroppedNotConnected);
        }
    }

    /// <summary>Hangs up the leg: close_notify to the browser, loop stopped, port returned. No OnClosed callback.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _closed, 1);
        _connected = false;
        if (_consentTimer is not null)
        {
            await _consentTimer.DisposeAsync();
        }

        _dtls?.Close();
        if (_watch is { } watch)
        {
            // Off the loop before the socket closes: no read of this socket can still be running after this.
            await _loop.UnwatchAsync(watch);
        }

        foreach (var connection in _tcp)
        {
            await connection.CloseAsync();
        }

        lock (_tcpMembership)
        {
            foreach (var ufrag in _registeredUfrags)
            {
                _ufrags?.Unregister(ufrag, this);
                _single?.UnregisterUfrag(ufrag, this);
            }

            _registeredUfrags.Clear();
        }

        if (_single is not null)
        {
            foreach (var address in _boundAddresses)
            {
                if (address is not null)
                {
                    _single.UnbindAddress(address, this);
                }
            }

            // A datagram routed to this leg before the unbinding may be in a hand-off or being handled right now:
            // after the loop's next pass none is, and later ones see _disposed and are dropped.
            await _loop.NextPassAsync();
        }
        else
        {
            _ports.Return(_socket);
        }

        _srtpIn?.Dispose();
        _srtcpIn?.Dispose();
        // _srtpOut is left to the finalizer: a SendRtp racing with hangup must not touch a disposed cipher.
    }

    void ISingleUdpPortLeg.OnDatagram(Span<byte> datagram, SocketAddress source, long arrival)
    {
        if (Volatile.Read(ref _disposed) != 0 || _agent is null)
        {
            return;
        }

        Interlocked.Increment(ref _singlePortDatagrams);
        DatagramDemultiplexer.Dispatch(this, datagram, source, arrival);
    }

    void IDatagramSink.OnStun(Span<byte> datagram, SocketAddress source)
    {
        var agent = _agent!;
        var outcome = agent.HandleRequest(datagram, source, _stunResponse, out var responseLength);
        if (outcome is IceCheckOutcome.Success or IceCheckOutcome.Nominated && _single is not null && TcpConnectionTo(source) is null)
        {
            // The check verified with our password: media from this address is ours from now on. Bound before the
            // answer goes out, so the DTLS the browser sends on receiving it already finds this leg.
            BindSinglePortAddress(source);
        }

        if (outcome == IceCheckOutcome.Nominated)
        {
            // Kept as it was at nomination: the connection list is gone once the leg is disposed, the answer is not.
            // Recorded before the answer goes out: whoever sees the answer must also see the pair it selected.
            _selectedProtocol = TcpConnectionTo(source) is null ? "udp" : "tcp";
            WebRtcLog.Nominated(_logger, EndPointOf(source).ToString());
        }

        if (responseLength > 0)
        {
            SendTo(_stunResponse.AsSpan(0, responseLength), source);
        }

        // As DTLS client we open the association once the browser's check proved where it is.
        if (outcome is IceCheckOutcome.Success or IceCheckOutcome.Nominated && _isDtlsServer == false && _dtls is null)
        {
            _dtlsSource = agent.NominatedAddress ?? CopyOf(source);
            StartDtls(isServer: false);
        }
    }

    void IDatagramSink.OnDtls(Span<byte> datagram, SocketAddress source)
    {
        if (!DtlsRecordLayer.IsWellFormed(datagram))
        {
            Interlocked.Increment(ref _dtlsMalformed);
            return;
        }

        // Chromium sends its ClientHello before nominating: accept DTLS from any address that passed a check.
        if (!_agent!.IsVerified(source))
        {
            Interlocked.Increment(ref _droppedUnverified);
            return;
        }

        if (_dtlsSource is null || !_dtlsSource.Equals(source))
        {
            _dtlsSource = CopyOf(source);
        }

        if (_dtls is null)
        {
            if (_isDtlsServer != true)
            {
                Interlocked.Increment(ref _unknownDatagrams);
                return;
            }

            StartDtls(isServer: true);
        }

        _dtls!.Transport.Deliver(datagram);
    }

    void IDatagramSink.OnRtp(Span<byte> datagram, SocketAddress source, long arrival)
    {
        var context = Volatile.Read(ref _srtpIn);
        if (context is null)
        {
            Interlocked.Increment(ref _droppedBeforeConnected);
            return;
        }

        if (!_agent!.IsVerified(source))
        {
            Interlocked.Increment(ref _droppedUnverified);
            return;
        }

        if (context.Unprotect(datagram, out var rtpLength) == SrtpStatus.Ok)
        {
            Interlocked.Increment(ref _rtpDelivered);
            _observer.OnRtp(datagram[..rtpLength], arrival);
        }
    }

    void IDatagramSink.OnRtcp(Span<byte> datagram, SocketAddress source)
    {
        var context = Volatile.Read(ref _srtcpIn);
        if (context is null || !_agent!.IsVerified(source))
        {
            Interlocked.Increment(ref _droppedBeforeConnected);
            return;
        }

        // Receiver and sender reports are authenticated (failures counted by the context) and checked for RFC 3550
        // §6.1 framing; the Media room owns any use of them. Reduced-size RTCP (RFC 5506) is well formed too.
        if (context.Unprotect(datagram, out var rtcpLength) != SrtpStatus.Ok)
        {
            return;
        }

        if (RtcpCompoundReader.IsWellFormed(datagram[..rtcpLength]))
        {
            Interlocked.Increment(ref _rtcpReceived);
        }
        else
        {
            Interlocked.Increment(ref _rtcpMalformed);
        }
    }

    void IDatagramSink.OnUnknown(Span<byte> datagram, SocketAddress source) => Interlocked.Increment(ref _unknownDatagrams);

    bool IIceTcpHost.AdoptTcp(Socket socket, ReadOnlySpan<byte> firstFrame)
    {
        lock (_tcpMembership)
        {
            if (Volatile.Read(ref _closed) != 0 || _agent is null || _tcp.Length >= MaxIceTcpConnections)
            {
                return false;
            }

            var connection = new IceTcpConnection(socket, firstFrame, this, _loop, OnTcpClosed);
            _tcp = [.. _tcp, connection];
            Interlocked.Increment(ref _tcpConnections);
            connection.Start();
            return true;
        }
    }

    private void OnTcpClosed(IceTcpConnection connection)
    {
        lock (_tcpMembership)
        {
            _tcp = [.. _tcp.Where(c => c != connection)];
            Interlocked.Add(ref _tcpSendsDroppedClosed, connection.SendsDropped);
        }
    }

    private void RegisterUfrag(string ufrag)
    {
        if (_ufrags is null && _single is null)
        {
            return;
        }

        lock (_tcpMembership)
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                _ufrags?.Register(ufrag, this);
                _single?.RegisterUfrag(ufrag, this);
                _registeredUfrags.Add(ufrag);
            }
        }
    }

    /// <summary>On the leg's loop, after a verified check from a UDP address (once per new address, not per packet).</summary>
    private void BindSinglePortAddress(SocketAddress source)
    {
        foreach (var bound in _boundAddresses)
        {
            if (bound is not null && bound.Equals(source))
            {
                // Bound again anyway: another leg's authenticated check may have taken it over meanwhile.
                _single!.BindAddress(bound, this);
                return;
            }
        }

        if (_boundAddresses[_nextBound] is { } oldest)
        {
            _single!.UnbindAddress(oldest, this);
        }

        var copy = CopyOf(source);
        _boundAddresses[_nextBound] = copy;
        _nextBound = (_nextBound + 1) % BoundAddressLimit;
        _single!.BindAddress(copy, this);
    }

    /// <summary>The ICE-TCP connection whose remote end is <paramref name="address"/>, if media to it goes over TCP.</summary>
    private IceTcpConnection? TcpConnectionTo(SocketAddress address)
    {
        foreach (var connection in _tcp)
        {
            if (connection.Remote.Equals(address))
            {
                return connection;
            }
        }

        return null;
    }

    /// <summary>
    /// One packet to the browser at <paramref name="target"/>: framed on the ICE-TCP connection it came from when the
    /// address is one (RFC 6544), else a datagram on the leg's UDP socket. False when a full TCP connection dropped it.
    /// </summary>
    private bool SendTo(ReadOnlySpan<byte> packet, SocketAddress target)
    {
        if (TcpConnectionTo(target) is { } connection)
        {
            return connection.Send(packet);
        }

        if (_single is not null)
        {
            _single.Send(packet, target, _loop);
            return true;
        }

        _socket.SendTo(packet, SocketFlags.None, target);
        return true;
    }

    private void StartDtls(bool isServer)
    {
        _dtls = new DtlsSrtpSession(
            isServer, _certificate, _remoteFingerprint!, _options.SrtpProfiles, _options.DtlsHandshakeTimeout, SendDtls, InstallKeys);
        _dtls.Start(OnDtlsConnected, Close);
    }

    private void SendDtls(ReadOnlySpan<byte> datagram)
    {
        var target = _agent?.NominatedAddress ?? _dtlsSource;
        if (target is null)
        {
            return;
        }

        try
        {
            SendTo(datagram, target);
        }
        catch (SocketException)
        {
            // DTLS retransmits on its own timer.
        }
    }

    /// <summary>Runs inside NotifyHandshakeComplete: the browser's first SRTP may arrive before Accept returns.</summary>
    private void InstallKeys(DtlsSrtpKeyingMaterial keys)
    {
        var inbound = new SrtpContext(keys.Profile, keys.RemoteMasterKey, keys.RemoteMasterSalt);
        var inboundRtcp = new SrtcpContext(keys.Profile, keys.RemoteMasterKey, keys.RemoteMasterSalt);
        var outbound = new SrtpContext(keys.Profile, keys.LocalMasterKey, keys.LocalMasterSalt);
        Volatile.Write(ref _srtcpIn, inboundRtcp);
        Volatile.Write(ref _srtpOut, outbound);
        Volatile.Write(ref _srtpIn, inbound);
    }

    private void OnDtlsConnected()
    {
        _connected = true;
        WebRtcLog.DtlsConnected(_logger, _isDtlsServer == true ? "server" : "client", _dtls?.CipherSuite, _srtpOut?.Profile.Name ?? "?");
        Notify(_observer.OnConnected);
    }

    private void CheckConsent()
    {
        var agent = _agent;
        if (agent is null || Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        var silence = TimeSpan.FromMilliseconds(Environment.TickCount64 - agent.LastValidCheckTicks);
        if (silence > _options.ConsentTimeout)
        {
            Close($"ICE consent expired: no valid connectivity check for {silence.TotalSeconds:F0} s");
        }

        if (_demux is { Errors: > 0, LastError: { } error })
        {
            WebRtcLog.ReceiveErrors(_logger, _demux.Errors, error.Message);
        }
    }

    private void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _connected = false;
        if (WebRtcCloseReasons.IsNormal(reason))
        {
            WebRtcLog.ClosedByBrowser(_logger, reason);
        }
        else
        {
            WebRtcLog.Closed(_logger, reason);
        }

        _dtls?.Close();
        Notify(() => _observer.OnClosed(reason));
    }

    /// <summary>Observer calls from the DTLS thread and the consent timer must not take the process down.</summary>
    private void Notify(Action callback)
    {
        try
        {
            callback();
        }
#pragma warning disable CA1031 // An observer bug is logged, never allowed to end the DTLS thread or the timer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            WebRtcLog.ObserverFailed(_logger, ex);
        }
    }

    private LocalAudioDescription LocalDescription(DtlsSetup setup, RemoteAudioDescription remote)
    {
        IReadOnlyList<(int, int)> telephoneEvents = remote.TelephoneEventPayloadType is { } pt
            ? [(pt, remote.TelephoneEventClockRate!.Value)]
            : [];
        return new LocalAudioDescription(
            _options.PublicAddress, _localPort, _localIce, _certificate.Fingerprint, setup, remote.OpusPayloadType,
            telephoneEvents, _audio!.Direction, _mid, _ssrc, _cname, _sessionId, _sessionVersion)
        {
            AdditionalAddresses = _options.AdditionalHostAddresses,
            TcpPorts = _ufrags is null ? [] : _options.IceTcpPorts,
        };
    }

    private SdpNegotiationResult Refuse(string reason)
    {
        WebRtcLog.SdpRefused(_logger, reason);
        return SdpNegotiationResult.Failed(reason);
    }

    /// <summary>IP:port (a SocketAddress prints as "InterNetwork:16:{...}"); per event, never per packet.</summary>
    private static IPEndPoint EndPointOf(SocketAddress address) => (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(address);

    private static SocketAddress CopyOf(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.CopyTo(copy.Buffer);
        return copy;
    }
}
