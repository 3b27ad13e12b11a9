using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Calls.Media;
using PbxBridge.Calls.Pbx;
using PbxBridge.Calls.Tests.Support;
using PbxBridge.Media.Opus;
using PbxBridge.Media.Rtp;
using PbxBridge.Net;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Calls.Tests.Media;

/// <summary>
/// The order <see cref="CallMediaBridge.DisposeAsync"/> promises, on a real media loop with real loopback sockets and
/// the real Opus decoder: the call leaves the loop (the pass in flight ends) before its PBX socket goes back to the
/// pool and before its codecs are freed, so the last packet of that pass still reaches the PBX and no tick decodes
/// into freed libopus state (the soak's "stack smashing detected" after ~400 calls, commit 102b67d). A pass is held
/// in flight by a second stream on the same loop, ticked just before the call in the same pass, which also plays
/// the browser: it feeds the call an Opus frame on every tick, on the loop thread, as the browser leg would.
/// </summary>
public sealed class CallMediaBridgeTeardownTests : IAsyncLifetime
{
    private static readonly CallMediaSettings Settings = new(PbxCodec.Pcmu, 5, 24000, true, false);
    private static int s_portBlock;

    private readonly CapturedLog _log = new();
    private readonly MediaLoopPool _mediaLoops;
    private readonly UdpPortPool _browserPorts;
    private readonly UdpPortPool _pbxPorts;
    private readonly Socket _pbx = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CallMediaBridge _bridge;
    private readonly OpusFeedingBrowser _browser;
    private ushort? _lastAtPbx;
    private long _receivedAtPbx;

    public CallMediaBridgeTeardownTests()
    {
        // Above CallHarness's 44000-44799 blocks, so the two never rent each other's ports.
        var first = 44900 + (Interlocked.Increment(ref s_portBlock) % 10 * 8);
        _browserPorts = new UdpPortPool(IPAddress.Loopback, first, first + 3);
        _pbxPorts = new UdpPortPool(IPAddress.Loopback, first + 4, first + 7);
        _mediaLoops = new MediaLoopPool(_log.CreateLogger<MediaLoopPool>(), 1);
        _pbx.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _bridge = new CallMediaBridge(Settings, _pbxPorts, _mediaLoops, new NoMediaEvents(), NullLogger.Instance);
        var endpoint = new WebRtcEndpoint(WebRtcOptions.Default(IPAddress.Loopback), _browserPorts, Certificate.Value, _bridge.Loop, _bridge, NullLogger.Instance);
        Assert.True(endpoint.AcceptOffer(BrowserSipPhone.ChromiumOffer).Succeeded);
        _bridge.Browser = endpoint;
        _browser = new OpusFeedingBrowser(_bridge, endpoint.Audio.OpusPayloadType);
    }

    private static Lazy<DtlsCertificate> Certificate { get; } = new(DtlsCertificate.Generate);

    public async Task InitializeAsync()
    {
        // The feeding stream first, so a pass it holds has not yet ticked the call.
        _bridge.Loop.AddStream(_browser);
        Assert.True(_bridge.TryOpenPbxSide(out _));
        _bridge.ConnectPbx(new PbxMediaAnswer((IPEndPoint)_pbx.LocalEndPoint!, PbxCodec.Pcmu));
        await WaitForPbxPacketAsync();
    }

    public async Task DisposeAsync()
    {
        _browser.Release();
        await _bridge.DisposeAsync();
        await _bridge.Loop.RemoveStreamAsync(_browser);
        _mediaLoops.Dispose();
        _pbx.Dispose();
        _browser.Dispose();
    }

    [Fact]
    public async Task The_pbx_socket_stays_rented_until_the_pass_in_flight_has_ended()
    {
        await _browser.HoldNextPassAsync();

        var disposing = _bridge.DisposeAsync();

        Assert.False(disposing.IsCompleted);
        Assert.Equal(1, _pbxPorts.InUse);
        _browser.Release();
        await disposing;
        Assert.Equal(0, _pbxPorts.InUse);
    }

    [Fact]
    public async Task The_last_tick_of_a_call_being_torn_down_decodes_and_reaches_the_pbx()
    {
        await _browser.HoldNextPassAsync();
        var lastBefore = DrainPbx();
        Assert.Equal(0, _pbx.Available);

        var disposing = _bridge.DisposeAsync();
        _browser.Release();
        await disposing;

        // The held pass ticked the call after teardown began: its Opus frame was decoded (the decoder was not yet
        // freed) and its packet sent (the socket was not yet closed), and nothing on the loop failed.
        Assert.DoesNotContain(_log.Lines, l => l.Level >= LogLevel.Error);
        Assert.Equal((ushort)(lastBefore + 1), DrainPbx());
        Assert.Equal(0, _pbxPorts.InUse);
    }

    [Fact]
    public async Task The_counters_read_once_teardown_completes_are_final()
    {
        await _browser.HoldNextPassAsync();
        var disposing = _bridge.DisposeAsync();
        _browser.Release();
        await disposing;

        _browser.StopFeeding();
        var sent = _bridge.BrowserToPbxStatistics!.PacketsSent;
        DrainPbx();
        Assert.Equal(_receivedAtPbx, sent);
        // Three more ticks of the loop: none of them ticked the call.
        var ticks = _bridge.Loop.Ticks;
        while (_bridge.Loop.Ticks < ticks + 3)
        {
            await Task.Delay(5);
        }

        Assert.Equal(sent, _bridge.BrowserToPbxStatistics.PacketsSent);
        Assert.Equal(0, _pbx.Available);
    }

    [Fact]
    public async Task A_second_dispose_while_the_first_waits_for_the_loop_releases_nothing()
    {
        await _browser.HoldNextPassAsync();
        var first = _bridge.DisposeAsync();

        var second = _bridge.DisposeAsync();

        Assert.True(second.IsCompletedSuccessfully);
        Assert.False(first.IsCompleted);
        Assert.Equal(1, _pbxPorts.InUse);
        _browser.Release();
        await first;
        await _bridge.DisposeAsync();
        Assert.DoesNotContain(_log.Lines, l => l.Level >= LogLevel.Error);
        Assert.Equal(0, _pbxPorts.InUse);
        Assert.Equal(0, _browserPorts.InUse);
    }

    [Fact]
    public async Task A_pbx_answer_arriving_after_teardown_starts_nothing()
    {
        // A call torn down while its PBX leg was still being answered: the PBX side was opened, not yet connected.
        var call = new CallMediaBridge(Settings, _pbxPorts, _mediaLoops, new NoMediaEvents(), NullLogger.Instance);
        var endpoint = new WebRtcEndpoint(WebRtcOptions.Default(IPAddress.Loopback), _browserPorts, Certificate.Value, call.Loop, call, NullLogger.Instance);
        Assert.True(endpoint.AcceptOffer(BrowserSipPhone.ChromiumOffer).Succeeded);
        call.Browser = endpoint;
        Assert.True(call.TryOpenPbxSide(out _));
        await call.DisposeAsync();
        var streams = call.Loop.StreamCount;
        var sockets = call.Loop.SocketCount;

        // The PBX's answer lands now: it must not put a torn-down call back on the loop with a closed socket.
        call.ConnectPbx(new PbxMediaAnswer((IPEndPoint)_pbx.LocalEndPoint!, PbxCodec.Pcmu));

        Assert.Equal(streams, call.Loop.StreamCount);
        Assert.Equal(sockets, call.Loop.SocketCount);
        Assert.Null(call.BrowserToPbxStatistics);
        Assert.Equal(1, _pbxPorts.InUse);
    }

    // Reads every RTP packet queued on the PBX's socket: the sequence number of the last one the PBX has received.
    private ushort DrainPbx()
    {
        while (_pbx.Available > 0)
        {
            ReceiveAtPbx();
        }

        return _lastAtPbx ?? throw new InvalidOperationException("the PBX has received nothing");
    }

    private async Task WaitForPbxPacketAsync()
    {
        _pbx.ReceiveTimeout = 10_000;
        await Task.Run(ReceiveAtPbx);
    }

    private void ReceiveAtPbx()
    {
        var buffer = new byte[1500];
        var length = _pbx.Receive(buffer);
        Assert.True(RtpPacket.TryParse(buffer.AsSpan(0, length), out var rtp));
        Assert.Equal(RtpPayloadTypes.Pcmu, rtp.PayloadType);
        _lastAtPbx = rtp.SequenceNumber;
        _receivedAtPbx++;
    }

    private sealed class NoMediaEvents : ICallMediaEvents
    {
        public void OnBrowserMediaConnected()
        {
        }

        public void OnBrowserMediaClosed(string reason)
        {
        }

        public void OnBrowserDtmf(char digit, TimeSpan duration)
        {
        }
    }

    /// <summary>
    /// The browser's side of the call, ticked on the call's loop just before the call: an Opus frame of a 700 Hz tone
    /// into the call's jitter buffer every 20 ms, and, when asked, the pass held until <see cref="Release"/>.
    /// </summary>
    private sealed class OpusFeedingBrowser(IWebRtcEndpointObserver call, int payloadType) : IPacedStream, IDisposable
    {
        private readonly OpusEncoder _encoder = new(new OpusEncoderSettings(48000));
        private readonly short[] _pcm = new short[960];
        private readonly byte[] _opus = new byte[OpusEncoder.MaxPacketBytes];
        private readonly byte[] _packet = new byte[1500];
        // One gate per hold: a reused event that is set and at once reset again can leave its waiter asleep.
        private Hold? _next;
        private Hold? _current;
        private ushort _sequence;
        private bool _stopped;

        /// <summary>Completes once the next pass is held on the loop thread, before it ticks the call.</summary>
        public Task HoldNextPassAsync()
        {
            var hold = new Hold();
            Volatile.Write(ref _next, hold);
            return hold.Held.Task;
        }

        /// <summary>Lets the held pass go on; a hold asked for and not yet reached is called off.</summary>
        public void Release()
        {
            Interlocked.Exchange(ref _next, null);
            Volatile.Read(ref _current)?.Release.Set();
        }

        /// <summary>The call is gone: the browser leg it fed is closed, so nothing more reaches it.</summary>
        public void StopFeeding() => Volatile.Write(ref _stopped, true);

        public void OnTick(long now)
        {
            if (!Volatile.Read(ref _stopped))
            {
                Feed(now);
            }

            if (Interlocked.Exchange(ref _next, null) is { } hold)
            {
                Volatile.Write(ref _current, hold);
                hold.Held.SetResult();
                hold.Release.Wait();
            }
        }

        public void Dispose()
        {
            _encoder.Dispose();
        }

        private void Feed(long now)
        {
            for (var i = 0; i < _pcm.Length; i++)
            {
                _pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 700 * ((_sequence * 960) + i) / 48000.0));
            }

            var opusLength = _encoder.Encode(_pcm, _opus);
            var length = RtpPacketWriter.Write(_packet, new RtpHeaderFields((byte)payloadType, _sequence, (uint)(_sequence * 960), 0xB10E), _opus.AsSpan(0, opusLength));
            _sequence++;
            call.OnRtp(_packet.AsSpan(0, length), now);
        }

        private sealed class Hold
        {
            public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public ManualResetEventSlim Release { get; } = new();
        }
    }
}
