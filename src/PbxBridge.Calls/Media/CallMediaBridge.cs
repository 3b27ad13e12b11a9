using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using PbxBridge.Calls.Overload;
using PbxBridge.Calls.Pbx;
using PbxBridge.Media;
using PbxBridge.Media.Dtmf;
using PbxBridge.Media.Statistics;
using PbxBridge.Net;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Calls.Media;

/// <summary>
/// The media of one call: browser SRTP/opus on one side (<see cref="WebRtcEndpoint"/>), plain RTP to the PBX on the
/// other (one UDP socket from the PBX-side range, used both to send and to receive, because Asterisk's strictrtp
/// locks onto the source address it sees). One thread, the call's <see cref="MediaEventLoop"/>, does all of it: a
/// browser datagram is decrypted and put in the jitter buffer, every 20 ms the tick pulls one packet out and sends
/// it to the PBX, a PBX datagram is transcoded and sent toward the browser as it arrives (no jitter buffer on that
/// side: the browser has its own). No locks shared with other calls; digits from the signalling threads arrive
/// through queues.
/// </summary>
public sealed class CallMediaBridge : IWebRtcEndpointObserver, IPacedStream, IDatagramReadable, IAsyncDisposable
{
    private readonly CallMediaSettings settings;
    private readonly UdpPortPool pbxPorts;
    private readonly ICallMediaEvents events;
    private readonly ILogger logger;
    private readonly OverloadController? overload;
    private readonly ConcurrentQueue<DtmfDigitEvent> dtmfToPbx = new();
    private readonly ConcurrentQueue<DtmfDigitEvent> dtmfToBrowser = new();
    private readonly byte[] pbxSendBuffer = new byte[1500];
    private readonly byte[] pbxReceiveBuffer = new byte[1500];
    private readonly byte[] browserSendBuffer = new byte[1500];
    private readonly uint pbxSsrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
    private Socket? pbxSocket;
    private int pbxDescriptor;
    private DatagramWatch? pbxWatch;
    private SocketAddress? pbxRemote;
    private SocketAddress pbxSource = null!;
    private BrowserToPbxPipeline? toPbx;
    private PbxToBrowserPipeline? toBrowser;
    private long pbxPacketsIgnored;
    private long pbxForwardErrors;
    private int disposed;

    public CallMediaBridge(CallMediaSettings settings, UdpPortPool pbxPorts, MediaLoopPool mediaLoops, ICallMediaEvents events, ILogger logger, OverloadController? overload = null)
    {
        this.settings = settings;
        this.overload = overload;
        this.pbxPorts = pbxPorts;
        ArgumentNullException.ThrowIfNull(mediaLoops);
        Loop = mediaLoops.NextLoop();
        this.events = events;
        this.logger = logger;
    }

    /// <summary>The thread this call's media runs on; the browser leg is created on it too.</summary>
    public MediaEventLoop Loop { get; }

    /// <summary>The browser leg; set once by the call right after construction.</summary>
    public WebRtcEndpoint? Browser { get; set; }

    /// <summary>Kept from the bind, so snapshots after the call still read it.</summary>
    public IPEndPoint? PbxLocalEndPoint { get; private set; }

    public IPEndPoint? PbxRemoteEndPoint { get; private set; }

    public PbxCodec? PbxCodec { get; private set; }

    public MediaDirectionStatistics? BrowserToPbxStatistics => toPbx?.Statistics;

    public MediaDirectionStatistics? PbxToBrowserStatistics => toBrowser?.Statistics;

    /// <summary>RTP from the PBX that came from another address than the one it announced (strict source check).</summary>
    public long PbxPacketsIgnored => Interlocked.Read(ref pbxPacketsIgnored);

    /// <summary>Rents the PBX-side socket: its address is what the PBX is told to send to.</summary>
    public bool TryOpenPbxSide(out PbxMediaOffer offer)
    {
        if (!pbxPorts.TryRent(out var socket))
        {
            offer = null!;
            return false;
        }

        pbxSocket = socket;
        pbxDescriptor = UdpDatagram.DescriptorOf(socket);
        pbxSource = new SocketAddress(socket.AddressFamily);
        PbxLocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        offer = new PbxMediaOffer(PbxLocalEndPoint, settings.PbxCodec);
        return true;
    }

    /// <summary>The PBX announced where its RTP comes from and goes to: build the pipelines and start both directions.</summary>
    public void ConnectPbx(PbxMediaAnswer media)
    {
        ArgumentNullException.ThrowIfNull(media);
        var (remote, codec) = (media.RemoteRtp, media.Codec);
        var browser = Browser ?? throw new InvalidOperationException("browser leg not attached");
        if (pbxSocket is null || Volatile.Read(ref disposed) != 0 || toPbx is not null)
        {
            return;
        }

        var audio = browser.Audio;
        var format = codec switch
        {
            Pbx.PbxCodec.Pcma => PbxPayloadFormat.Pcma,
            Pbx.PbxCodec.L16Wideband => PbxPayloadFormat.L16Wideband,
            _ => PbxPayloadFormat.Pcmu,
        };
        // The SSRC our SDP announced (a=ssrc): Chrome renders only the stream it was told about.
        // A call that starts while the server sheds load keeps the lower complexity it started with.
        var callSettings = overload is null ? settings : settings with { OpusComplexity = Math.Min(settings.OpusComplexity, overload.NewCallComplexity) };
        toBrowser = new PbxToBrowserPipeline(ToBrowserOptions(audio, media, format, browser.LocalSsrc, callSettings));
        toPbx = new BrowserToPbxPipeline(new BrowserToPbxOptions(
            audio.OpusPayloadType, audio.TelephoneEventPayloadType ?? -1, audio.TelephoneEventClockRate ?? 8000, format, pbxSsrc,
            media.TelephoneEventPayloadType ?? -1));
        PbxCodec = codec;
        PbxRemoteEndPoint = remote;
        pbxRemote = remote.Serialize();
        pbxWatch = Loop.Watch(pbxSocket, this);
        Loop.AddStream(this);
        logger.LogInformation("PBX media {Local} <-> {Remote} as {Codec}", PbxLocalEndPoint, remote, codec);
    }

    /// <summary>
    /// The PBX-to-browser pipeline's options for a call: the browser's Opus and telephone-event payload types and
    /// clock, and the PBX leg's telephone-event payload type, so digits the PBX sends in its RTP (FreeSWITCH's
    /// RFC 2833 on the leg's SDP payload type) go on to the browser as RFC 4733 events.
    /// </summary>
    internal static PbxToBrowserOptions ToBrowserOptions(NegotiatedAudio audio, PbxMediaAnswer media, PbxPayloadFormat format, uint browserSsrc, CallMediaSettings settings) =>
        new(audio.OpusPayloadType, audio.TelephoneEventPayloadType ?? -1, audio.TelephoneEventClockRate ?? 8000, format, browserSsrc,
            settings.OpusComplexity, settings.OpusBitrate, settings.OpusInbandFec, settings.OpusDtx || audio.OpusUseDtx)
        {
            PbxTelephoneEventPayloadType = media.TelephoneEventPayloadType ?? -1,
        };

    /// <summary>
    /// Queues a digit for the PBX as RFC 4733 events on our RTP when its leg negotiated telephone-event; false when it
    /// did not (or media is not up yet), and the caller sends the digit through the PBX's control API. Any thread: the
    /// media loop, which owns the pipeline, starts it on its next tick.
    /// </summary>
    public bool TrySendDtmfToPbx(char digit, TimeSpan duration)
    {
        if (toPbx is not { CanSendDtmf: true } || Volatile.Read(ref disposed) != 0 || !TryKeyPress(digit, duration, out var press))
        {
            return false;
        }

        dtmfToPbx.Enqueue(press);
        return true;
    }

    /// <summary>
    /// A digit the PBX reported (ARI/ESL event, any thread): RFC 4733 events toward the browser, started and paced by
    /// the media loop, which owns the pipeline, on the PBX's own 20 ms packets.
    /// </summary>
    public void SendDtmfToBrowser(char digit, TimeSpan duration)
    {
        if (Browser?.Audio.TelephoneEventPayloadType is not null && TryKeyPress(digit, duration, out var press))
        {
            dtmfToBrowser.Enqueue(press);
        }
    }

    // A digit RFC 4733 can carry, as a key press to play. A digit without a duration (SIP INFO without Duration,
    // a PBX event without one) arrives as zero: it is played as the common 100 ms press.
    private static bool TryKeyPress(char digit, TimeSpan duration, out DtmfDigitEvent press)
    {
        press = new DtmfDigitEvent(digit, duration > TimeSpan.Zero ? duration : TimeSpan.FromMilliseconds(100));
        return DtmfEventCodes.TryGetEventCode(digit, out _);
    }

    void IWebRtcEndpointObserver.OnConnected() => events.OnBrowserMediaConnected();

    void IWebRtcEndpointObserver.OnClosed(string reason) => events.OnBrowserMediaClosed(reason);

    void IWebRtcEndpointObserver.OnRtp(ReadOnlySpan<byte> rtpPacket, long arrivalTimestamp)
    {
        // On the media loop, the thread that also ticks this pipeline: straight into the jitter buffer, no hand-off.
        Volatile.Read(ref toPbx)?.Push(rtpPacket, arrivalTimestamp);
    }

    void IPacedStream.OnTick(long now)
    {
        var pipeline = toPbx;
        var socket = pbxSocket;
        if (pipeline is null || socket is null || pbxRemote is null)
        {
            return;
        }

        // One digit at a time, each played out in full (a key press is at least 40 ms, RFC 4733 §2.5.1.2 ends).
        if (!pipeline.IsSendingDtmf && dtmfToPbx.TryDequeue(out var nextDigit))
        {
            pipeline.StartDtmf(nextDigit.Digit, nextDigit.Duration);
        }

        var length = pipeline.Pull(pbxSendBuffer, now);
        if (length > 0)
        {
            try
            {
                socket.SendTo(pbxSendBuffer.AsSpan(0, length), SocketFlags.None, pbxRemote);
            }
            catch (SocketException)
            {
                // ICMP unreachable from a PBX that is restarting: keep the call, the next tick tries again.
            }
        }

        while (pipeline.TryTakeDtmf(out var digit))
        {
            events.OnBrowserDtmf(digit.Digit, digit.Duration);
        }
    }

    /// <summary>A datagram from the PBX is queued (media loop thread): transcode it toward the browser now.</summary>
    void IDatagramReadable.OnReadable()
    {
        var received = UdpDatagram.TryReceiveFrom(pbxDescriptor, pbxReceiveBuffer, pbxSource);
        if (received < 0)
        {
            // Nothing queued, or an ICMP unreachable from a PBX that is restarting: the call goes on.
            return;
        }

        if (!pbxSource.Equals(pbxRemote))
        {
            // Strict like Asterisk's strictrtp: only the address the PBX announced may feed this call.
            Interlocked.Increment(ref pbxPacketsIgnored);
            return;
        }

        try
        {
            ForwardToBrowser(received);
        }
#pragma warning disable CA1031 // A bad PBX datagram must not cost the call its audio (the loop would log every one).
        catch (Exception e)
#pragma warning restore CA1031
        {
            // Logged once per call, not per packet: a PBX stream that trips this does so 50 times a second.
            if (Interlocked.Increment(ref pbxForwardErrors) == 1)
            {
                logger.LogError(e, "forwarding PBX audio to the browser failed; the packet is dropped and the call goes on");
            }
        }
    }

    private void ForwardToBrowser(int received)
    {
        var pipeline = toBrowser;
        var browser = Browser;
        if (pipeline is null || browser is null)
        {
            return;
        }

        // Digits from the PBX ride on the PBX's own 20 ms rhythm toward the browser, one key press at a time, each in
        // place of the audio of its packets.
        if (!pipeline.IsSendingDtmf && dtmfToBrowser.TryDequeue(out var digit))
        {
            pipeline.StartDtmf(digit.Digit, digit.Duration);
        }

        if (overload is not null)
        {
            // A volatile read per packet; the encoder is touched only when the overload step changed its ceiling.
            pipeline.LimitOpusComplexity(overload.CallComplexityCeiling);
        }

        var length = pipeline.Process(pbxReceiveBuffer.AsSpan(0, received), browserSendBuffer);
        if (length > 0)
        {
            browser.SendRtp(browserSendBuffer.AsSpan(0, length));
        }

        var dtmf = pipeline.PullDtmfPacket(browserSendBuffer);
        if (dtmf > 0)
        {
            browser.SendRtp(browserSendBuffer.AsSpan(0, dtmf));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        // The pipelines' native Opus state is freed below: no media loop tick may still be decoding into it. A pass that had
        // already read the old member array used to tick this call after Remove returned (a soak run died with glibc's
        // "stack smashing detected" after about 400 calls; opus_decode on a freed decoder is the path to it we found).
        await Loop.RemoveStreamAsync(this).ConfigureAwait(false);
        if (pbxWatch is { } watch)
        {
            await Loop.UnwatchAsync(watch).ConfigureAwait(false);
        }

        if (pbxSocket is not null)
        {
            pbxPorts.Return(pbxSocket);
        }

        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        toPbx?.Dispose();
        toBrowser?.Dispose();
    }
}
