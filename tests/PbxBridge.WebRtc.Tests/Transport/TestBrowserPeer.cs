using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Sdp;
using PbxBridge.WebRtc.Srtp;
using PbxBridge.WebRtc.Stun;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.WebRtc.Tests.Transport;

/// <summary>
/// A stand-in for the browser over real loopback UDP: a full (controlling) ICE agent that sends nominating
/// checks, our own DTLS-SRTP client or server with its own certificate, and SRTP both ways. It can advertise one
/// certificate's fingerprint while presenting another, or go silent to let consent expire.
/// </summary>
internal sealed class TestBrowserPeer : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly DtlsCertificate _presented;
    private readonly DtlsCertificate _advertised;
    private readonly IceCredentials _ice = IceCredentials.Generate();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _iceConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IReadOnlyList<SrtpProtectionProfile> _profiles;
    private DtlsSrtpSession? _dtls;
    private SrtpContext? _srtpIn;
    private SrtpContext? _srtpOut;
    private SrtcpContext? _srtcpOut;
    private IPEndPoint? _remote;
    private IceCredentials? _remoteIce;
    private DtlsFingerprint? _remoteFingerprint;
    private bool _dtlsServer;
    private Thread? _receiver;
    private Task? _checks;

    public TestBrowserPeer(DtlsCertificate? presented = null, DtlsCertificate? advertised = null, IReadOnlyList<SrtpProtectionProfile>? profiles = null)
    {
        _presented = presented ?? DtlsCertificate.Generate();
        _advertised = advertised ?? _presented;
        _profiles = profiles ?? [SrtpProtectionProfile.AesCm128HmacSha1_80, SrtpProtectionProfile.AeadAes128Gcm];
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public TaskCompletionSource DtlsConnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<string> DtlsClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<byte[]> ReceivedRtp { get; } = new();

    public int StunResponses;

    /// <summary>DTLS datagrams from the endpoint to lose on purpose, so its retransmission timer must recover.</summary>
    public int DtlsDatagramsToDrop;

    /// <summary>Whether to keep sending checks (consent); switch off to let the endpoint's consent expire.</summary>
    public volatile bool SendConsentChecks = true;

    /// <summary>Whether the periodic checks carry USE-CANDIDATE; false plays Chromium before it nominates.</summary>
    public volatile bool NominateInChecks = true;

    public string? SrtpProfileName => _srtpOut?.Profile.Name;

    /// <summary>A Chromium-shaped offer: actpass, opus 111, telephone-events, rtcp-mux, BUNDLE, extmap, mDNS candidate.</summary>
    public string CreateOffer(string setup = "actpass", string direction = "sendrecv", bool withFingerprint = true) =>
        $"""
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0
        a=extmap-allow-mixed
        a=msid-semantic: WMS stream
        m=audio {LocalEndPoint.Port} UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 127.0.0.1
        a=rtcp:9 IN IP4 0.0.0.0
        a=candidate:1 1 udp 2122260223 127.0.0.1 {LocalEndPoint.Port} typ host generation 0
        a=candidate:2 1 udp 2122260223 3f1c2a4e-0b1d-4c7e-9a55-7f00d2a1b3c4.local {LocalEndPoint.Port} typ host generation 0
        a=candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0
        a=ice-ufrag:{_ice.UsernameFragment}
        a=ice-pwd:{_ice.Password}
        a=ice-options:trickle
        {(withFingerprint ? $"a=fingerprint:{_advertised.Fingerprint}" : string.Empty)}
        a=setup:{setup}
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a={direction}
        a=msid:stream track
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        a=ssrc:1111 cname:test
        """.Replace("\n\n", "\n", StringComparison.Ordinal);

    /// <summary>An answer to our endpoint's offer, the way Chromium answers with the given setup.</summary>
    public string CreateAnswer(string setup) =>
        CreateOffer(setup).Replace("m=audio " + LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture) + " UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
            "m=audio " + LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture) + " UDP/TLS/RTP/SAVPF 111 110", StringComparison.Ordinal);

    /// <summary>Learns the endpoint's credentials from its SDP and starts checks (and DTLS when it is our turn).</summary>
    public void Start(string endpointSdp, bool weAreDtlsServer)
    {
        Assert.True(RemoteAudioDescription.TryRead(endpointSdp, out var remote, out var reason), reason);
        _remoteIce = remote.Ice;
        _remoteFingerprint = remote.Fingerprint;
        var candidate = remote.Audio.GetAttribute("candidate")!.Split(' ');
        _remote = new IPEndPoint(IPAddress.Parse(candidate[4]), int.Parse(candidate[5], CultureInfo.InvariantCulture));
        _dtlsServer = weAreDtlsServer;
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "test-browser" };
        _receiver.Start();
        _checks = Task.Run(CheckLoopAsync);
    }

    /// <summary>Sends a Binding request with the given password as MESSAGE-INTEGRITY key.</summary>
    public void SendCheck(string? password = null, bool useCandidate = true, Socket? from = null) =>
        (from ?? _socket).SendTo(CreateCheck(password, useCandidate), SocketFlags.None, _remote!);

    /// <summary>A Binding request as this browser would send it (a fresh transaction id), without sending it.</summary>
    public byte[] CreateCheck(string? password = null, bool useCandidate = true, string? username = null)
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, RandomNumberGenerator.GetBytes(12));
        writer.AddAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes(username ?? $"{_remoteIce!.UsernameFragment}:{_ice.UsernameFragment}"));
        writer.AddUInt32(StunAttributeType.Priority, 1853824767);
        writer.AddUInt64(StunAttributeType.IceControlling, 0x1234_5678_9ABC_DEF0);
        if (useCandidate)
        {
            writer.AddAttribute(StunAttributeType.UseCandidate, []);
        }

        writer.AddMessageIntegrity(Encoding.UTF8.GetBytes(password ?? _remoteIce!.Password));
        writer.AddFingerprint();
        return buffer.AsSpan(0, writer.Length).ToArray();
    }

    /// <summary>Where the endpoint listens (from its SDP), for a second socket playing someone else.</summary>
    public IPEndPoint EndpointAddress => _remote!;

    public void SendRaw(ReadOnlySpan<byte> datagram) => _socket.SendTo(datagram, SocketFlags.None, _remote!);

    public void SendRtp(byte[] rtpWithRoom, int rtpLength, bool corruptTag = false)
    {
        var length = _srtpOut!.Protect(rtpWithRoom, rtpLength);
        if (corruptTag)
        {
            rtpWithRoom[length - 1] ^= 0xFF;
        }

        _socket.SendTo(rtpWithRoom.AsSpan(0, length), SocketFlags.None, _remote!);
    }

    /// <summary>SRTCP-protects whatever is in <c>rtcpWithRoom[..rtcpLength]</c> (well formed or not) and sends it.</summary>
    public void SendRtcp(byte[] rtcpWithRoom, int rtcpLength, bool corruptTag = false)
    {
        var length = _srtcpOut!.Protect(rtcpWithRoom, rtcpLength);
        if (corruptTag)
        {
            rtcpWithRoom[length - 1] ^= 0xFF;
        }

        _socket.SendTo(rtcpWithRoom.AsSpan(0, length), SocketFlags.None, _remote!);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _dtls?.Close();
        if (_checks is not null)
        {
            await _checks;
        }

        _socket.Dispose();
        _receiver?.Join(2000);
        _srtpIn?.Dispose();
        _srtpOut?.Dispose();
        _srtcpOut?.Dispose();
        _stop.Dispose();
    }

    private async Task CheckLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (SendConsentChecks)
            {
                SendCheck(useCandidate: NominateInChecks);
            }

            try
            {
                await Task.Delay(_iceConnected.Task.IsCompleted ? 200 : 20, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[2048];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, ref from);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }

            var datagram = buffer.AsSpan(0, length);
            switch (DatagramClassifier.Classify(datagram))
            {
                case DatagramKind.Stun:
                    if (StunMessage.TryParse(datagram, out var message) && message.Class == StunClass.SuccessResponse &&
                        message.VerifyMessageIntegrity(_remoteIce!.PasswordBytes))
                    {
                        Interlocked.Increment(ref StunResponses);
                        if (_iceConnected.TrySetResult() && !_dtlsServer)
                        {
                            StartDtls();
                        }
                    }

                    break;
                case DatagramKind.Dtls:
                    if (DtlsDatagramsToDrop > 0)
                    {
                        DtlsDatagramsToDrop--;
                        break;
                    }

                    if (_dtls is null && _dtlsServer)
                    {
                        StartDtls();
                    }

                    _dtls?.Transport.Deliver(datagram);
                    break;
                case DatagramKind.Rtp:
                    if (_srtpIn is { } context && context.Unprotect(datagram, out var rtpLength) == SrtpStatus.Ok)
                    {
                        ReceivedRtp.Enqueue(datagram[..rtpLength].ToArray());
                    }

                    break;
            }
        }
    }

    private void StartDtls()
    {
        _dtls = new DtlsSrtpSession(
            _dtlsServer, _presented, _remoteFingerprint!, _profiles, TimeSpan.FromSeconds(5),
            datagram => _socket.SendTo(datagram, SocketFlags.None, _remote!),
            keys =>
            {
                _srtpIn = new SrtpContext(keys.Profile, keys.RemoteMasterKey, keys.RemoteMasterSalt);
                _srtpOut = new SrtpContext(keys.Profile, keys.LocalMasterKey, keys.LocalMasterSalt);
                _srtcpOut = new SrtcpContext(keys.Profile, keys.LocalMasterKey, keys.LocalMasterSalt);
            });
        _dtls.Start(() => DtlsConnected.TrySetResult(), reason => DtlsClosed.TrySetResult(reason));
    }
}
