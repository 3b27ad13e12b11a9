using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using PbxBridge.Browser.Simulator.Media;
using PbxBridge.Browser.Simulator.WebRtc;
using PbxBridge.WebRtc.Sdp;

namespace PbxBridge.LoadGen.Rtpengine;

/// <summary>
/// One call through rtpengine, the same shape as a PbxBridge call with the PBX echo: an Opus side and a PCMU side
/// that echoes every packet back, so rtpengine decodes Opus, encodes PCMU, decodes PCMU and encodes Opus for every
/// 20 ms in each direction. Signalled with ng offer/answer, the offer's Opus masked toward the PCMU side and PCMU
/// added by transcoding. The Opus side is either what a browser brings (<see cref="RtpengineOpusSide.WebRtc"/>: the
/// same <see cref="BrowserMedia"/> as toward PbxBridge, so rtpengine answers ICE checks and does DTLS and SRTP too)
/// or plain RTP (<see cref="RtpengineOpusSide.Rtp"/>: the transcode alone).
/// </summary>
internal sealed partial class RtpengineLeg : IAsyncDisposable
{
    private const int OpusPayloadType = BrowserMedia.OpusPayloadType;

    private readonly Socket? _opusSide;
    private readonly BrowserMedia? _browser;
    private readonly Socket _pcmuSide = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly OpusFrameSource _source;
    private readonly EchoProbe? _probe;
    private readonly byte[] _txBuffer = new byte[1500];
    private readonly uint _ssrc = (uint)Random.Shared.Next();
    private readonly uint _echoSsrc = (uint)Random.Shared.Next();
    private readonly string _callId = $"loadgen-{Guid.NewGuid():N}";
    private Task[] _loops = [];
    private volatile bool _sending;
    private long _frameNumber;
    private ushort _sequence;
    private uint _timestamp;
    private long _offerTicks;
    private long _plainSent;
    private long _plainReceived;

    public RtpengineLeg(int index, RtpengineOpusSide opusSide, ClientCertificate certificate, OpusFrameSource source, bool probe)
    {
        Index = index;
        _source = source;
        if (opusSide == RtpengineOpusSide.WebRtc)
        {
            _browser = new BrowserMedia(certificate, source, probe);
        }
        else
        {
            _probe = probe ? new EchoProbe() : null;
            _opusSide = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _opusSide.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }

        _pcmuSide.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public int Index { get; }

    public bool IsSending => _browser?.IsSending ?? _sending;

    /// <summary>rtpengine holds the call from the offer on: it needs a delete even when the media never came up.</summary>
    public bool IsSignalled { get; private set; }

    /// <summary>WebRTC side only: ng offer sent to the first decrypted media packet back, in milliseconds.</summary>
    public double SetupMs => _browser is null ? double.NaN : Stopwatch.GetElapsedTime(_offerTicks, _browser.FirstMediaTicks).TotalMilliseconds;

    public long PacketsSent => _browser?.PacketsSent ?? _plainSent;

    public long PacketsReceived => _browser?.PacketsReceived ?? _plainReceived;

    public long PacketsEchoed { get; private set; }

    public IReadOnlyList<double> RoundTripsMs => _browser?.RoundTripsMs ?? _probe?.RoundTripsMs ?? [];

    public bool Recording
    {
        set
        {
            if (_browser is not null)
            {
                _browser.Recording = value;
            }
            else if (_probe is not null)
            {
                _probe.Recording = value;
            }
        }
    }

    public async Task SetupAsync(NgClient ng, CancellationToken cancellationToken)
    {
        var pcmuPort = ((IPEndPoint)_pcmuSide.LocalEndPoint!).Port;
        var offer = new Dictionary<string, object>
        {
            ["command"] = "offer",
            ["call-id"] = _callId,
            ["from-tag"] = "opus-side",
            ["codec"] = new Dictionary<string, object> { ["mask"] = new List<object> { "opus" }, ["transcode"] = new List<object> { "PCMU" } },
        };
        if (_browser is not null)
        {
            // What a WebRTC-to-SIP proxy asks of rtpengine for a browser's offer: toward the PBX, plain RTP/AVP
            // without ICE, SRTP or rtcp-mux; toward the browser, ICE-lite like PbxBridge (the browser is the
            // controlling agent and nominates with USE-CANDIDATE), and DTLS as server, never a premature client.
            // No telephone-event: rtpengine would detect in-band DTMF for a PBX that has no telephone-event.
            offer["sdp"] = _browser.CreateOffer([]).ToString();
            offer["transport-protocol"] = "RTP/AVP";
            offer["ICE"] = "remove";
            offer["ICE-lite"] = "backward";
            offer["DTLS-reverse"] = "passive";
            offer["SDES"] = new List<object> { "off" };
            offer["rtcp-mux"] = new List<object> { "demux" };
        }
        else
        {
            offer["sdp"] = PlainSdp(((IPEndPoint)_opusSide!.LocalEndPoint!).Port, "111", "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n");
        }

        _offerTicks = Stopwatch.GetTimestamp();
        var offered = await ng.CallAsync(offer, cancellationToken);
        IsSignalled = true;
        var towardPbx = (string)offered["sdp"];
        var answer = new Dictionary<string, object>
        {
            ["command"] = "answer",
            ["call-id"] = _callId,
            ["from-tag"] = "opus-side",
            ["to-tag"] = "pcmu-side",
            ["sdp"] = PlainSdp(pcmuPort, "0", "a=rtpmap:0 PCMU/8000\r\n"),
        };
        if (_browser is not null)
        {
            // Toward the browser: DTLS-SRTP over ICE, rtpengine as the only candidate, DTLS passive (the browser
            // offered actpass and is the client, as toward PbxBridge), RTP and RTCP on one port, no SDES keys.
            answer["transport-protocol"] = "UDP/TLS/RTP/SAVPF";
            answer["ICE"] = "force";
            answer["DTLS"] = "passive";
            answer["SDES"] = new List<object> { "off" };
            answer["rtcp-mux"] = new List<object> { "require" };
        }

        var towardBrowser = (string)(await ng.CallAsync(answer, cancellationToken))["sdp"];
        if (!towardBrowser.Contains("opus", StringComparison.OrdinalIgnoreCase) || !towardPbx.Contains("PCMU", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("rtpengine did not set up opus <-> PCMU transcoding");
        }

        _pcmuSide.Connect(MediaEndPoint(towardPbx));
        var echo = Task.Run(EchoLoopAsync, CancellationToken.None);
        if (_browser is not null)
        {
            _loops = [echo];
            if (!RemoteAudioDescription.TryRead(towardBrowser, out var webRtcAnswer, out var reason))
            {
                throw new InvalidOperationException($"rtpengine's answer toward the browser is not WebRTC: {reason}");
            }

            await _browser.ConnectAsync(webRtcAnswer, cancellationToken);
        }
        else
        {
            _opusSide!.Connect(MediaEndPoint(towardBrowser));
            _loops = [Task.Run(OpusSideLoopAsync, CancellationToken.None), echo];
            _sending = true;
        }
    }

    public async Task DeleteAsync(NgClient ng, CancellationToken cancellationToken)
    {
        _sending = false;
        _browser?.StopSending();
        await ng.CallAsync(new Dictionary<string, object> { ["command"] = "delete", ["call-id"] = _callId }, cancellationToken);
    }

    /// <summary>Pacer thread only: one Opus frame, SRTP over the ICE pair or plain RTP.</summary>
    public void SendFrame()
    {
        if (_browser is not null)
        {
            _browser.SendFrame();
            return;
        }

        if (!_sending)
        {
            return;
        }

        var frame = _frameNumber++;
        var payload = _source.Frames[(int)(frame % _source.Count)];
        var buffer = _txBuffer.AsSpan();
        buffer[0] = 0x80;
        buffer[1] = OpusPayloadType;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], _sequence++);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], _timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[8..], _ssrc);
        _timestamp += OpusFrameSource.SamplesPerFrame;
        payload.CopyTo(buffer[12..]);
        if (OpusFrameSource.IsMarker(frame))
        {
            _probe?.MarkerSent(Stopwatch.GetTimestamp());
        }

        try
        {
            _opusSide!.Send(buffer[..(12 + payload.Length)]);
            _plainSent++;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Torn down under the pacer.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _sending = false;
        await _stop.CancelAsync();
        _opusSide?.Dispose();
        _pcmuSide.Dispose();
        await Task.WhenAll(_loops);
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _probe?.Dispose();
        _stop.Dispose();
    }

    private static string PlainSdp(int port, string formats, string attributes) => string.Create(CultureInfo.InvariantCulture,
        $"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=loadgen\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {port} RTP/AVP {formats}\r\n{attributes}a=ptime:20\r\na=sendrecv\r\n");

    private static IPEndPoint MediaEndPoint(string sdp)
    {
        var port = MediaLine().Match(sdp);
        var connection = ConnectionLine().Match(sdp);
        if (!port.Success || !connection.Success)
        {
            throw new InvalidOperationException("rtpengine's SDP has no m=audio or c= line");
        }

        return new IPEndPoint(IPAddress.Parse(connection.Groups[1].Value), int.Parse(port.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private async Task OpusSideLoopAsync()
    {
        var buffer = new byte[1500];
        while (await ReceiveAsync(_opusSide!, buffer) is var length && length >= 0)
        {
            if (length > 12 && (buffer[1] & 0x7F) == OpusPayloadType)
            {
                _plainReceived++;
                _probe?.OnPacket(buffer.AsSpan(0, length), Stopwatch.GetTimestamp());
            }
        }
    }

    /// <summary>The PBX side: every PCMU packet goes straight back under our own SSRC, like the demo PBX's echo.</summary>
    private async Task EchoLoopAsync()
    {
        var buffer = new byte[1500];
        while (await ReceiveAsync(_pcmuSide, buffer) is var length && length >= 0)
        {
            if (length > 12)
            {
                BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(8), _echoSsrc);
                try
                {
                    await _pcmuSide.SendAsync(buffer.AsMemory(0, length), SocketFlags.None);
                    PacketsEchoed++;
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }

    private async Task<int> ReceiveAsync(Socket socket, byte[] buffer)
    {
        while (true)
        {
            try
            {
                return await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                // ICMP from a port rtpengine has not opened yet or has closed: keep listening.
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return -1;
            }
        }
    }

    [GeneratedRegex(@"m=audio (\d+) ")]
    private static partial Regex MediaLine();

    [GeneratedRegex(@"c=IN IP4 (\S+)")]
    private static partial Regex ConnectionLine();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"rtpengine leg {Index}");
}
