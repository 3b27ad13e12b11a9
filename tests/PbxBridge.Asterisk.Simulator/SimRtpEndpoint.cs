using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PbxBridge.Media.G711;

namespace PbxBridge.Asterisk.Simulator;

/// <summary>
/// The RTP side of a simulated UnicastRTP channel, as measured on Asterisk 22: one UDP socket (no RTCP), sends only
/// to external_host, 20 ms frames (ulaw PT 0 / 160 bytes, slin16 PT 118 / 640 bytes big-endian), one SSRC for life,
/// and strictrtp: packets from external_host always count; another source is learned after 4 sequential packets
/// only within the first 5 s, and once a source is locked everything else is silently dropped.
/// </summary>
public sealed class SimRtpEndpoint : IAsyncDisposable
{
    private const int Probation = 4;

    private readonly Socket _socket;
    private readonly IPEndPoint _target;
    private readonly SocketAddress _targetAddress;
    private readonly string _format;
    private readonly double _toneHz;
    private readonly TimeSpan _learnTimeout;
    private readonly Func<FarBehaviour?> _bridgedPeer;
    private readonly Func<SimRtpEndpoint?> _relayTarget;
    private readonly SimToneClock _toneClock;
    private readonly Stopwatch _age = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private readonly uint _ssrc = (uint)Random.Shared.Next();
    private readonly object _sendGate = new();
    private readonly byte[] _sendBuffer = new byte[12 + 2048];
    private readonly short[] _toneSamples;
    private readonly byte[] _tonePayload;
    private ushort _sequence = (ushort)Random.Shared.Next(ushort.MaxValue);
    private uint _toneTimestamp = 160;
    private double _tonePhase;
    private bool _markerPending = true;
    private SocketAddress? _lockedSource;
    private SocketAddress? _candidate;
    private int _candidateCount;
    private ushort _candidateLastSeq;
    private long _received;
    private long _accepted;
    private long _dropped;
    private long _sent;

    internal SimRtpEndpoint(IPEndPoint target, string format, double toneHz, TimeSpan learnTimeout, Func<FarBehaviour?> bridgedPeer, Func<SimRtpEndpoint?> relayTarget, SimToneClock toneClock)
    {
        _target = target;
        // Serialised once: SendTo with an IPEndPoint would serialise it again for every packet.
        _targetAddress = target.Serialize();
        _format = format;
        _toneHz = toneHz;
        _learnTimeout = learnTimeout;
        _bridgedPeer = bridgedPeer;
        _relayTarget = relayTarget;
        _toneClock = toneClock;
        _toneSamples = new short[SamplesPerFrame];
        _tonePayload = new byte[_format == "slin16" ? 640 : 160];
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
        toneClock.Add(this);
    }

    /// <summary>UNICASTRTP_LOCAL_ADDRESS / UNICASTRTP_LOCAL_PORT.</summary>
    public IPEndPoint LocalEndPoint { get; }

    public IPEndPoint Target => _target;

    public long PacketsReceived => Interlocked.Read(ref _received);

    /// <summary>Packets strictrtp let through.</summary>
    public long PacketsAccepted => Interlocked.Read(ref _accepted);

    /// <summary>Packets strictrtp dropped (wrong source after the lock).</summary>
    public long PacketsDropped => Interlocked.Read(ref _dropped);

    public long PacketsSent => Interlocked.Read(ref _sent);

    /// <summary>Optional observer of every packet received and sent, with its timestamp (see <see cref="IRtpPacketTap"/>).</summary>
    public IRtpPacketTap? Tap { get; set; }

    private int SamplesPerFrame => _format == "slin16" ? 320 : 160;

    private int PayloadType => _format switch
    {
        "slin16" => 118,
        "slin" => 10,
        "alaw" => 8,
        _ => 0,
    };

    public async ValueTask DisposeAsync()
    {
        _toneClock.Remove(this);
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _receiveLoop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        // The SocketAddress overload fills one buffer in place: no endpoint object per packet.
        var buffer = new byte[2048];
        var source = new SocketAddress(AddressFamily.InterNetwork);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, source, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            Interlocked.Increment(ref _received);
            Tap?.OnReceived(buffer.AsSpan(0, length), Stopwatch.GetTimestamp());
            if (length < 12 || (buffer[0] >> 6) != 2)
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }

            var sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2));
            if (!StrictRtpAccepts(source, sequence))
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }

            Interlocked.Increment(ref _accepted);
            var headerLength = 12 + (4 * (buffer[0] & 0x0f));
            if (length <= headerLength)
            {
                continue;
            }

            // Pure ulaw path (originated with formats=ulaw): Asterisk keeps its SSRC and sequence and copies the timestamp.
            var timestamp = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4));
            if (_bridgedPeer() == FarBehaviour.Echo)
            {
                Send(buffer.AsSpan(headerLength, length - headerLength), timestamp);
            }
            else if (_relayTarget() is { } relay)
            {
                // Across a Local channel pair (agent to agent): out of the externalMedia channel of the other bridge.
                relay.Send(buffer.AsSpan(headerLength, length - headerLength), timestamp);
            }
        }
    }

    private bool StrictRtpAccepts(SocketAddress source, ushort sequence)
    {
        if (source.Equals(_targetAddress))
        {
            // The target address is accepted from the first packet (symmetric RTP).
            _lockedSource = _targetAddress;
            return true;
        }

        if (_lockedSource is not null)
        {
            if (source.Equals(_lockedSource))
            {
                return true;
            }

            if (_age.Elapsed > _learnTimeout)
            {
                return false;
            }
        }

        if (_age.Elapsed > _learnTimeout && _lockedSource is not null)
        {
            return false;
        }

        if (_candidate is null || !_candidate.Equals(source) || (ushort)(_candidateLastSeq + 1) != sequence)
        {
            // A copy: the receive loop reuses its address buffer for the next packet.
            _candidate = Copy(source);
            _candidateCount = 1;
            _candidateLastSeq = sequence;
            return false;
        }

        _candidateLastSeq = sequence;
        if (++_candidateCount < Probation)
        {
            return false;
        }

        _lockedSource = _candidate;
        return true;
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    /// <summary>Every 20 ms from the simulator's <see cref="SimToneClock"/>: one frame of the tone while the bridged peer plays it.</summary>
    internal void OnToneTick()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        if (_bridgedPeer() != FarBehaviour.Tone)
        {
            lock (_sendGate)
            {
                _markerPending = true;
            }

            return;
        }

        var samples = _toneSamples;
        var payload = _tonePayload;
        var rate = _format == "slin16" ? 16000.0 : 8000.0;
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(8000 * Math.Sin(_tonePhase));
            _tonePhase += 2 * Math.PI * _toneHz / rate;
        }

        _tonePhase %= 2 * Math.PI;
        if (_format == "slin16")
        {
            for (var i = 0; i < samples.Length; i++)
            {
                BinaryPrimitives.WriteInt16BigEndian(payload.AsSpan(2 * i), samples[i]);
            }
        }
        else
        {
            MuLaw.Encode(samples, payload);
        }

        Send(payload, _toneTimestamp);
        _toneTimestamp += (uint)samples.Length;
    }

    private void Send(ReadOnlySpan<byte> payload, uint timestamp)
    {
        lock (_sendGate)
        {
            var packet = _sendBuffer.AsSpan(0, 12 + payload.Length);
            packet[0] = 0x80;
            packet[1] = (byte)(PayloadType | (_markerPending ? 0x80 : 0));
            _markerPending = false;
            BinaryPrimitives.WriteUInt16BigEndian(packet[2..], _sequence++);
            BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);
            BinaryPrimitives.WriteUInt32BigEndian(packet[8..], _ssrc);
            payload.CopyTo(packet[12..]);
            try
            {
                // Stamped before the call: on loopback the packet is in the receiver's queue when sendto returns.
                var sentAt = Stopwatch.GetTimestamp();
                _socket.SendTo(packet, SocketFlags.None, _targetAddress);
                Interlocked.Increment(ref _sent);
                Tap?.OnSent(packet, sentAt);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Like chan_rtp: a send error is not a reason to hang up.
            }
        }
    }
}
