using System.Net;
using System.Net.Sockets;
using PbxBridge.Media.G711;
using PbxBridge.Media.Rtp;

namespace PbxBridge.FreeSwitch.Simulator;

/// <summary>What a simulated FreeSWITCH channel plays toward PbxBridge.</summary>
public enum SimulatedMedia
{
    /// <summary>A 1004 Hz tone (the demo PBX's extension 601).</summary>
    Tone,

    /// <summary>Every received PCMU payload sent back (FreeSWITCH's echo application, extension 600).</summary>
    Echo,

    /// <summary>u-law silence (0xFF), so FreeSWITCH-style media timeouts never fire.</summary>
    Silence,
}

/// <summary>
/// The RTP side of one simulated channel: PCMU 20 ms packets sent continuously from the socket announced in the SDP
/// (as FreeSWITCH does, PT 0, 160 bytes), and everything received measured: packet count, the tone's frequency by
/// zero crossings, RFC 4733 telephone-events (PT 101) as digits.
/// </summary>
public sealed class SimulatedRtpStream : IAsyncDisposable
{
    public const double ToneHz = 1004;
    private const int SamplesPerPacket = 160;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly SimulatedMedia _media;
    private readonly Queue<byte[]> _echo = new();
    private readonly short[] _history = new short[8000];
    private readonly List<char> _digits = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<(byte Event, int Samples)> _digitsToSend = new();
    private readonly object _gate = new();
    private int _historyCount;
    private int _historyNext;
    private uint _lastDtmfTimestamp = uint.MaxValue;
    private int _disposed;
    private long _received;
    private long _sent;
    private long _eventsSent;
    private Task _sender = Task.CompletedTask;
    private Task _receiver = Task.CompletedTask;
    private volatile IPEndPoint? _remote;

    public SimulatedRtpStream(SimulatedMedia media)
    {
        _media = media;
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Raised on the receive task with a copy of every RTP packet received.</summary>
    public Action<byte[]>? PacketReceived { get; set; }

    /// <summary>Raised on the receive task for each RFC 4733 digit (FreeSWITCH then emits its DTMF event).</summary>
    public Action<char>? DigitReceived { get; set; }

    public long PacketsReceived => Interlocked.Read(ref _received);

    /// <summary>RFC 2833 event packets sent (FreeSWITCH's PT 101).</summary>
    public long EventPacketsSent => Interlocked.Read(ref _eventsSent);

    /// <summary>
    /// Sends digits in the RTP as FreeSWITCH 1.10 does on a pbxbridge leg (uuid_send_dtmf, send_dtmf, a bridged
    /// party's keys), recorded from the real one: PT 101, one packet per 20 ms with the duration growing by 160, the
    /// first with the marker bit, volume 13, the final one with the End bit three times back to back, all with the
    /// event's start timestamp in the audio's sequence space, and no audio packets while the event lasts.
    /// </summary>
    public void SendDigits(string digits, int durationSamples = 800)
    {
        ArgumentNullException.ThrowIfNull(digits);
        foreach (var digit in digits)
        {
            _digitsToSend.Enqueue((digit switch
            {
                >= '0' and <= '9' => (byte)(digit - '0'),
                '*' => 10,
                '#' => 11,
                >= 'A' and <= 'D' => (byte)(digit - 'A' + 12),
                _ => throw new ArgumentOutOfRangeException(nameof(digits), digit, "not a DTMF digit"),
            }, durationSamples));
        }
    }

    public long PacketsSent => Interlocked.Read(ref _sent);

    /// <summary>RFC 4733 digits received in the RTP (one per event, on its end packet).</summary>
    public IReadOnlyList<char> DtmfDigits
    {
        get
        {
            lock (_gate)
            {
                return [.. _digits];
            }
        }
    }

    /// <summary>Starts sending to <paramref name="remote"/> (PbxBridge's SDP address) and receiving.</summary>
    public void Start(IPEndPoint remote)
    {
        _remote = remote;
        _sender = Task.Run(SendLoopAsync);
        _receiver = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Dominant frequency of the last second of received audio, by zero crossings; 0 when too little arrived.</summary>
    public double MeasureFrequency()
    {
        short[] samples;
        lock (_gate)
        {
            if (_historyCount < 1600)
            {
                return 0;
            }

            samples = new short[_historyCount];
            for (var i = 0; i < _historyCount; i++)
            {
                samples[i] = _history[(_historyNext - _historyCount + i + _history.Length) % _history.Length];
            }
        }

        // Count zero crossings only in 20 ms frames that carry signal, so a silent frame (an echo queue running dry,
        // a late packet) does not read as a lower pitch.
        var crossings = 0;
        var voiced = 0;
        for (var frame = 0; frame + SamplesPerPacket <= samples.Length; frame += SamplesPerPacket)
        {
            var peak = 0;
            for (var i = frame; i < frame + SamplesPerPacket; i++)
            {
                peak = Math.Max(peak, Math.Abs((int)samples[i]));
            }

            if (peak < 1000)
            {
                continue;
            }

            voiced += SamplesPerPacket;
            for (var i = Math.Max(frame, 1); i < frame + SamplesPerPacket; i++)
            {
                if ((samples[i - 1] < 0) != (samples[i] < 0))
                {
                    crossings++;
                }
            }
        }

        return voiced < 1600 ? 0 : crossings / 2.0 / (voiced / 8000.0);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await Task.WhenAll(_sender, _receiver).ConfigureAwait(false);
    }

    private async Task SendLoopAsync()
    {
        var stream = new RtpOutboundStream((uint)Random.Shared.Next());
        var packet = new byte[RtpPacket.FixedHeaderLength + SamplesPerPacket];
        var pcm = new short[SamplesPerPacket];
        long sampleIndex = 0;
        var eventPacket = new byte[RtpPacket.FixedHeaderLength + 4];
        (byte Event, int Samples)? digit = null;
        var eventTimestamp = 0u;
        var eventDuration = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (digit is null && _digitsToSend.TryDequeue(out var next))
                {
                    digit = next;
                    eventTimestamp = stream.Timestamp;
                    eventDuration = 0;
                }

                if (digit is { } current && _remote is { } eventRemote)
                {
                    eventDuration = Math.Min(eventDuration + SamplesPerPacket, current.Samples);
                    var end = eventDuration >= current.Samples;
                    for (var copy = 0; copy < (end ? 3 : 1); copy++)
                    {
                        RtpPacketWriter.WriteHeader(eventPacket, stream.NextHeader(101, marker: eventDuration == SamplesPerPacket && copy == 0, eventTimestamp));
                        eventPacket[12] = current.Event;
                        eventPacket[13] = (byte)((end ? 0x80 : 0) | 13);
                        eventPacket[14] = (byte)(eventDuration >> 8);
                        eventPacket[15] = (byte)eventDuration;
                        await _socket.SendToAsync(eventPacket, SocketFlags.None, eventRemote, _stop.Token).ConfigureAwait(false);
                        Interlocked.Increment(ref _eventsSent);
                    }

                    if (end)
                    {
                        digit = null;
                        stream.AdvanceTimestamp(eventDuration);
                    }

                    continue;
                }

                var payload = packet.AsSpan(RtpPacket.FixedHeaderLength);
                switch (_media)
                {
                    case SimulatedMedia.Tone:
                        for (var i = 0; i < SamplesPerPacket; i++, sampleIndex++)
                        {
                            pcm[i] = (short)(Math.Sin(2 * Math.PI * ToneHz * sampleIndex / 8000.0) * 8000);
                        }

                        MuLaw.Encode(pcm, payload);
                        break;
                    case SimulatedMedia.Echo:
                        byte[]? echoed;
                        lock (_gate)
                        {
                            _echo.TryDequeue(out echoed);
                        }

                        if (echoed is { Length: SamplesPerPacket })
                        {
                            echoed.CopyTo(payload);
                        }
                        else
                        {
                            payload.Fill(MuLaw.Silence);
                        }

                        break;
                    default:
                        payload.Fill(MuLaw.Silence);
                        break;
                }

                RtpPacketWriter.WriteHeader(packet, stream.NextHeader(RtpPayloadTypes.Pcmu, marker: false));
                stream.AdvanceTimestamp(SamplesPerPacket);
                if (_remote is { } remote)
                {
                    await _socket.SendToAsync(packet, SocketFlags.None, remote, _stop.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref _sent);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        var pcm = new short[SamplesPerPacket];
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = (await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false)).ReceivedBytes;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (!RtpPacket.TryParse(buffer.AsSpan(0, length), out var packet))
            {
                continue;
            }

            Interlocked.Increment(ref _received);
            PacketReceived?.Invoke(buffer.AsSpan(0, length).ToArray());
            if (packet.PayloadType == 101 && packet.PayloadLength >= 4)
            {
                OnTelephoneEvent(packet.Payload, packet.Timestamp);
            }
            else if (packet.PayloadType == RtpPayloadTypes.Pcmu && packet.PayloadLength == SamplesPerPacket)
            {
                MuLaw.Decode(packet.Payload, pcm);
                lock (_gate)
                {
                    foreach (var sample in pcm)
                    {
                        _history[_historyNext] = sample;
                        _historyNext = (_historyNext + 1) % _history.Length;
                        _historyCount = Math.Min(_historyCount + 1, _history.Length);
                    }

                    if (_media == SimulatedMedia.Echo && _echo.Count < 50)
                    {
                        _echo.Enqueue(packet.Payload.ToArray());
                    }
                }
            }
        }
    }

    /// <summary>RFC 4733 §2.3: event, E bit, volume, duration; the end packet is sent three times, count it once.</summary>
    private void OnTelephoneEvent(ReadOnlySpan<byte> payload, uint timestamp)
    {
        var end = (payload[1] & 0x80) != 0;
        char digit;
        if (!end)
        {
            return;
        }

        lock (_gate)
        {
            if (timestamp == _lastDtmfTimestamp)
            {
                return;
            }

            _lastDtmfTimestamp = timestamp;
            digit = payload[0] switch
            {
                <= 9 => (char)('0' + payload[0]),
                10 => '*',
                11 => '#',
                >= 12 and <= 15 => (char)('A' + payload[0] - 12),
                _ => '?',
            };
            _digits.Add(digit);
        }

        DigitReceived?.Invoke(digit);
    }
}
