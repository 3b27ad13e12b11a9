using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using PbxBridge.Browser.Simulator.Measurement;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Sip.Sdp;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Sdp;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.Browser.Simulator.WebRtc;

/// <summary>
/// The media half of a browser leg, whoever signals the call (PbxBridge over SIP/WSS, rtpengine over ng): an SDP
/// offer (actpass, full ICE), connectivity checks as the controlling agent toward the answerer's candidate, DTLS
/// client, then SRTP/Opus both ways. The shared <see cref="MediaPacer"/> calls <see cref="SendFrame"/> every 20 ms;
/// the receive loop counts what comes back and, on probe legs, decodes it to find the marker bursts (round-trip
/// time). The packets go over UDP or, with an ICE-TCP port, over one RFC 4571-framed TCP connection to PbxBridge's
/// passive TCP candidate on that port (<see cref="ILegTransport"/>).
/// </summary>
internal sealed class BrowserMedia : IAsyncDisposable
{
    public const int OpusPayloadType = SdpOfferer.OpusPayloadType;

    private const int ConsentFrames = 125;

    private readonly ILegTransport _transport;
    private readonly int? _iceTcpPort;
    private readonly ClientCertificate _certificate;
    private readonly OpusFrameSource _source;
    private readonly IceCredentials _localIce = IceCredentials.Generate();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _iceConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstMedia = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _txBuffer = new byte[1500];
    private readonly byte[] _checkTransaction = new byte[12];
    private readonly uint _ssrc = (uint)Random.Shared.Next();
    private readonly EchoProbe? _probe;
    private readonly ToneMeter? _tone;
    private IceControllingCheck? _check;
    private QueuedDatagramTransport? _dtlsTransport;
    private SrtpContext? _srtpOut;
    private SrtpContext? _srtpIn;
    private Task? _receiveLoop;
    private volatile bool _sending;
    private long _frameNumber;
    private ushort _sequence = (ushort)Random.Shared.Next();
    private uint _timestamp = (uint)Random.Shared.Next();
    private int _firstSequence = -1;
    private uint _firstMediaTimestamp;
    private long _highestExtendedSequence;
    private double _minTransitMs = double.MaxValue;

    /// <param name="iceTcpPort">null: UDP; else connect over ICE-TCP to the answer's passive TCP candidate on this port.</param>
    public BrowserMedia(ClientCertificate certificate, OpusFrameSource source, bool probe, bool measureTone = false, int? iceTcpPort = null)
    {
        _tone = measureTone ? new ToneMeter() : null;
        _certificate = certificate;
        _source = source;
        _iceTcpPort = iceTcpPort;
        _transport = iceTcpPort is null ? new UdpLegTransport() : new IceTcpLegTransport(new IPEndPoint(IPAddress.Loopback, 9));
        _probe = probe ? new EchoProbe(Latency) : null;
    }

    /// <summary>One-way times through the gateway; fed by the PBX socket where the load generator hosts the PBX.</summary>
    public OneWayLatency Latency { get; } = new();

    public bool IsSending => _sending;

    /// <summary>Where this leg's media goes (the answer's address and port): behind a front, the node serving the call.</summary>
    public IPEndPoint? MediaPeer { get; private set; }

    /// <summary>"udp" or "tcp" (ICE-TCP).</summary>
    public string Transport => _transport.Name;

    public long PacketsSent { get; private set; }

    public long PacketsReceived { get; private set; }

    public long PacketsLate { get; private set; }

    public long SrtpFailures { get; private set; }

    public long PacketsLost => _firstSequence < 0 ? 0 : Math.Max(0, _highestExtendedSequence - _firstSequence + 1 - PacketsReceived);

    /// <summary>Stopwatch stamp of the first decrypted media packet back.</summary>
    public long FirstMediaTicks { get; private set; }

    /// <summary>Setup phase ends (Stopwatch ticks): ICE success, DTLS done, first frame sent; and the DTLS client's CPU.</summary>
    public long IceConnectedTicks { get; private set; }

    public long DtlsConnectedTicks { get; private set; }

    public long FirstSentTicks { get; private set; }

    public double DtlsClientCpuMs { get; private set; }

    /// <summary>Marker round trips seen while recording (probe legs only).</summary>
    public IReadOnlyList<double> RoundTripsMs => _probe?.RoundTripsMs ?? [];

    /// <summary>Only the hold period's round trips count: setup and teardown transients are not steady state.</summary>
    public bool Recording
    {
        set
        {
            Latency.Recording = value;
            if (_probe is not null)
            {
                _probe.Recording = value;
            }
        }
    }

    /// <summary>
    /// The offer Chromium would send: one bundled audio section, UDP/TLS/RTP/SAVPF, a=setup:actpass, our host
    /// candidate, rtcp-mux, Opus 111 and the given telephone-events.
    /// </summary>
    public SessionDescription CreateOffer(IReadOnlyList<(int PayloadType, int ClockRate)> telephoneEvents, bool useDtx = false)
    {
        var port = _transport.LocalEndPoint.Port;
        var local = new LocalAudioDescription(
            IPAddress.Loopback, port, _localIce, _certificate.Fingerprint, DtlsSetup.ActPass, OpusPayloadType,
            telephoneEvents, MediaDirection.SendRecv, SdpOfferer.Mid, _ssrc, "loadgen",
            (ulong)Random.Shared.NextInt64(1, long.MaxValue), 1);
        var offer = SdpOfferer.CreateOffer(local);
        if (useDtx)
        {
            // RFC 7587 §6.1: this receiver prefers DTX (a page can ask Chrome for it by munging the fmtp).
            var audio = offer.Media[0];
            for (var i = 0; i < audio.Attributes.Count; i++)
            {
                if (audio.Attributes[i] is { Name: "fmtp", Value: { } value } && value.StartsWith($"{OpusPayloadType} ", StringComparison.Ordinal))
                {
                    audio.Attributes[i] = new SdpAttribute("fmtp", value + ";usedtx=1");
                }
            }
        }

        // We are a full ICE agent (controlling), not lite: drop the attribute PbxBridge's own offers carry.
        for (var i = offer.Attributes.Count - 1; i >= 0; i--)
        {
            if (offer.Attributes[i].Name == "ice-lite")
            {
                offer.Attributes.RemoveAt(i);
            }
        }

        return offer;
    }

    /// <summary>
    /// From the answer on: ICE checks until one succeeds, the DTLS handshake as client, SRTP keys, then sending
    /// (the pacer's next tick) and waiting for the first media packet back.
    /// </summary>
    public async Task ConnectAsync(RemoteAudioDescription answer, CancellationToken cancellationToken)
    {
        if (answer.Setup != DtlsSetup.Passive)
        {
            throw new MediaSetupException($"expected a=setup:passive in the answer to actpass, got {answer.Setup}");
        }

        var remote = _iceTcpPort is { } tcpPort ? PassiveTcpCandidate(answer, tcpPort) : RemoteEndPoint(answer);
        MediaPeer = remote;
        try
        {
            await _transport.ConnectAsync(remote, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new MediaSetupException($"{_transport.Name} connect to {remote}: {ex.Message}", ex);
        }

        _check = new IceControllingCheck(_localIce, answer.Ice);
        _dtlsTransport = new QueuedDatagramTransport(_transport);
        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);

        await ConnectIceAsync(cancellationToken);
        IceConnectedTicks = Stopwatch.GetTimestamp();
        var keys = await Task.Factory.StartNew(
            () => Handshake(answer),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        _srtpOut = new SrtpContext(keys.Profile, keys.LocalMasterKey, keys.LocalMasterSalt);
        _srtpIn = new SrtpContext(keys.Profile, keys.RemoteMasterKey, keys.RemoteMasterSalt);
        DtlsConnectedTicks = Stopwatch.GetTimestamp();
        _sending = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await _firstMedia.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MediaSetupException("no media came back within 10 s of DTLS completion");
        }
    }

    /// <summary>Stops sending; the pacer may still call <see cref="SendFrame"/> until it is removed.</summary>
    public void StopSending() => _sending = false;

    /// <summary>Called by the pacer thread only: one 20 ms Opus frame, SRTP-protected.</summary>
    public void SendFrame()
    {
        if (!_sending)
        {
            return;
        }

        var frame = _frameNumber++;
        if (frame == 0)
        {
            FirstSentTicks = Stopwatch.GetTimestamp();
        }

        var payload = _source.Frames[(int)(frame % _source.Count)];
        var buffer = _txBuffer.AsSpan();
        buffer[0] = 0x80;
        buffer[1] = (byte)(OpusPayloadType | (frame == 0 ? 0x80 : 0));
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], _sequence++);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], _timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[8..], _ssrc);
        _timestamp += OpusFrameSource.SamplesPerFrame;
        payload.CopyTo(buffer[12..]);
        var length = _srtpOut!.Protect(buffer, 12 + payload.Length);
        if (OpusFrameSource.IsMarker(frame))
        {
            var now = Stopwatch.GetTimestamp();
            _probe?.MarkerSent(now);
            Latency.MarkerSent(now);
        }

        TrySend(buffer[..length]);
        PacketsSent++;
        if (frame % ConsentFrames == ConsentFrames - 1)
        {
            // RFC 7675 consent freshness: PbxBridge drops a leg whose checks stop (and rtpengine's ICE times out).
            Span<byte> check = stackalloc byte[256];
            Span<byte> transaction = stackalloc byte[12];
            TrySend(check[.._check!.Write(check, transaction)]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _sending = false;
        await _stop.CancelAsync();
        _dtlsTransport?.Close();
        _transport.Dispose();
        if (_receiveLoop is not null)
        {
            await _receiveLoop;
        }

        _srtpIn?.Dispose();
        _srtpOut?.Dispose();
        _probe?.Dispose();
        _tone?.Dispose();
        _stop.Dispose();
    }

    private static IPEndPoint RemoteEndPoint(RemoteAudioDescription answer)
    {
        var connection = answer.Audio.Connection ?? answer.Session.Connection
            ?? throw new MediaSetupException("the SDP answer has no c= line");
        var address = connection.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        return new IPEndPoint(IPAddress.Parse(address), answer.Audio.Port);
    }

    // RFC 6544 §4.5: "a=candidate:F 1 tcp PRIO ADDRESS PORT typ host tcptype passive"; the one on the port asked for.
    private static IPEndPoint PassiveTcpCandidate(RemoteAudioDescription answer, int port)
    {
        foreach (var attribute in answer.Audio.Attributes)
        {
            if (attribute is not { Name: "candidate", Value: { } value })
            {
                continue;
            }

            var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 10 && fields[2].Equals("tcp", StringComparison.OrdinalIgnoreCase) && fields[9] == "passive"
                && int.Parse(fields[5], CultureInfo.InvariantCulture) == port)
            {
                return new IPEndPoint(IPAddress.Parse(fields[4]), port);
            }
        }

        throw new MediaSetupException($"the answer offers no passive ICE-TCP candidate on port {port} (is ICE-TCP on?)");
    }

    private async Task ConnectIceAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        for (var attempt = 0; attempt < 50; attempt++)
        {
            int length;
            lock (_checkTransaction)
            {
                length = _check!.Write(buffer, _checkTransaction);
            }

            TrySend(buffer.AsSpan(0, length));
            try
            {
                await _iceConnected.Task.WaitAsync(TimeSpan.FromMilliseconds(100), cancellationToken);
                return;
            }
            catch (TimeoutException)
            {
                // RFC 8445 §14.3: retransmit the check.
            }
        }

        throw new MediaSetupException("ICE: no success response to 50 connectivity checks");
    }

    private PbxBridge.WebRtc.Dtls.DtlsSrtpKeyingMaterial Handshake(RemoteAudioDescription answer)
    {
        var cpuStart = ThreadCpuClock.NowMs();
        var client = new LoadDtlsClient(new BcTlsCrypto(new SecureRandom()), _certificate, answer.Fingerprint);
        try
        {
            new DtlsClientProtocol().Connect(client, _dtlsTransport!);
        }
        catch (Exception ex) when (ex is TlsException or IOException)
        {
            throw new MediaSetupException($"DTLS handshake failed: {ex.Message}", ex);
        }
        finally
        {
            DtlsClientCpuMs = ThreadCpuClock.NowMs() - cpuStart;
        }

        return client.Keys ?? throw new MediaSetupException("DTLS completed without SRTP keying material");
    }

    private void TrySend(ReadOnlySpan<byte> datagram) => _transport.Send(datagram);

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1500];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _transport.ReceiveAsync(buffer, _stop.Token);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            if (length == 0)
            {
                continue;
            }

            var arrival = Stopwatch.GetTimestamp();
            var first = buffer[0];
            if (first < 4)
            {
                OnStun(buffer.AsSpan(0, length));
            }
            else if (first is >= 20 and <= 63)
            {
                _dtlsTransport!.Deliver(buffer.AsSpan(0, length));
            }
            else if (first is >= 128 and <= 191 && length > 12 && buffer[1] is < 192 or > 223)
            {
                OnSrtp(buffer.AsSpan(0, length), arrival);
            }
        }
    }

    private void OnStun(ReadOnlySpan<byte> datagram)
    {
        bool matched;
        lock (_checkTransaction)
        {
            matched = _check!.IsSuccessFor(datagram, _checkTransaction);
        }

        if (matched)
        {
            _iceConnected.TrySetResult();
        }
    }

    private void OnSrtp(Span<byte> packet, long arrival)
    {
        var srtp = _srtpIn;
        if (srtp is null)
        {
            return;
        }

        if (srtp.Unprotect(packet, out var rtpLength) != SrtpStatus.Ok)
        {
            SrtpFailures++;
            return;
        }

        var rtp = packet[..rtpLength];
        if ((rtp[1] & 0x7F) != OpusPayloadType)
        {
            return;
        }

        PacketsReceived++;
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(rtp[2..]);
        var timestamp = BinaryPrimitives.ReadUInt32BigEndian(rtp[4..]);
        if (_firstSequence < 0)
        {
            _firstSequence = sequence;
            _highestExtendedSequence = sequence;
            FirstMediaTicks = arrival;
            _firstMediaTimestamp = timestamp;
            _firstMedia.TrySetResult();
        }
        else
        {
            var delta = (short)(sequence - (ushort)_highestExtendedSequence);
            if (delta > 0)
            {
                _highestExtendedSequence += delta;
            }
        }

        // Relative transit (RFC 3550 §6.4.1 without the clock offset): more than 20 ms behind the best packet is late.
        var transitMs = Stopwatch.GetElapsedTime(FirstMediaTicks, arrival).TotalMilliseconds - ((uint)(timestamp - _firstMediaTimestamp) / 48.0);
        if (transitMs < _minTransitMs)
        {
            _minTransitMs = transitMs;
        }
        else if (transitMs - _minTransitMs > 20)
        {
            PacketsLate++;
        }

        _probe?.OnPacket(rtp, arrival);
        _tone?.OnPacket(rtp);
    }

    /// <summary>The dominant frequency heard lately (with <c>measureTone</c>), see <see cref="ToneMeter"/>.</summary>
    public (double FrequencyHz, double Rms) ReceivedTone => _tone?.Dominant() ?? (0, 0);
}
