using System.Net;
using System.Net.Sockets;
using PbxBridge.Calls.Pbx;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Demo;

/// <summary>
/// The demo PBX's end of the plain RTP: a real UDP socket on loopback, as an Asterisk externalMedia channel would
/// have. Echo reflects each packet (own SSRC, own sequence); tone sends 20 ms of the 1004 Hz tone every 20 ms;
/// bridged (two agents in one call) sends each packet out on the other agent's channel (its SSRC and sequence).
/// Like Asterisk, it sends to the address it was given and accepts media only from there. The tone's 20 ms timer
/// runs only while the behaviour is Tone: an echoing channel is driven by the packets it receives and would
/// otherwise wake a thread 50 times a second per call for nothing.
/// </summary>
public sealed class DemoMediaChannel : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly PbxCodec codec;
    private readonly SocketAddress peer;
    private readonly CancellationTokenSource stop = new();
    private readonly RtpOutboundStream stream = new((uint)Random.Shared.NextInt64(1, uint.MaxValue));
    private readonly byte payloadType;
    private readonly int samplesPerFrame;
    private Task? receiveLoop;
    private volatile Task toneLoop = Task.CompletedTask;
    private int toneRunning;
    private volatile bool started;
    private volatile DemoBehaviour behaviour;
    private volatile DemoMediaChannel? bridgedTo;

    public DemoMediaChannel(IPAddress bindAddress, IPEndPoint peer, PbxCodec codec, DemoBehaviour behaviour)
    {
        socket = new Socket(bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(bindAddress, 0));
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        // Serialised once: a send with an IPEndPoint serialises it again for every packet.
        this.peer = peer.Serialize();
        this.codec = codec;
        this.behaviour = behaviour;
        payloadType = codec switch
        {
            PbxCodec.Pcma => 8,
            PbxCodec.L16Wideband => 118,
            _ => 0,
        };
        samplesPerFrame = codec == PbxCodec.L16Wideband ? 320 : 160;
    }

    /// <summary>Kept from the bind: still readable (admin API, logs) after the socket is closed.</summary>
    public IPEndPoint LocalEndPoint { get; }

    public long PacketsReceived { get; private set; }

    public long PacketsSent { get; private set; }

    public DemoBehaviour Behaviour
    {
        get => behaviour;
        set
        {
            behaviour = value;
            StartToneIfNeeded();
        }
    }

    /// <summary>Each channel's received RTP goes out on the other (two agents talking through the demo).</summary>
    public static void Bridge(DemoMediaChannel a, DemoMediaChannel b)
    {
        a.bridgedTo = b;
        b.bridgedTo = a;
    }

    /// <summary>This channel's far party is a sound again (an attended transfer joined it with a tone or echo).</summary>
    public void Unbridge(DemoBehaviour sound)
    {
        bridgedTo = null;
        Behaviour = sound;
    }

    public void Start()
    {
        receiveLoop = Task.Run(ReceiveAsync);
        started = true;
        StartToneIfNeeded();
    }

    // At most one tone loop at a time; it ends by itself at the first tick after the behaviour changes.
    private void StartToneIfNeeded()
    {
        if (started && behaviour == DemoBehaviour.Tone && Interlocked.CompareExchange(ref toneRunning, 1, 0) == 0)
        {
            toneLoop = Task.Run(ToneAsync);
        }
    }

    private async Task ToneAsync()
    {
        var tone = DemoTone.For(codec);
        var packet = new byte[12 + tone.BytesPerFrame];
        var offset = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                if (behaviour != DemoBehaviour.Tone)
                {
                    Volatile.Write(ref toneRunning, 0);

                    // Set back to Tone between the check and the reset: its setter saw the loop still running.
                    if (behaviour != DemoBehaviour.Tone || Interlocked.CompareExchange(ref toneRunning, 1, 0) != 0)
                    {
                        return;
                    }

                    continue;
                }

                var header = stream.NextHeader(payloadType, PacketsSent == 0);
                var length = RtpPacketWriter.Write(packet, header, tone.Payload.AsSpan(offset, tone.BytesPerFrame));
                stream.AdvanceTimestamp(samplesPerFrame);
                offset = (offset + tone.BytesPerFrame) % tone.Payload.Length;
                Send(packet.AsSpan(0, length));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
            // A transfer to the tone raced the hangup: the channel is already gone.
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1500];
        var reply = new byte[1500];
        var from = new SocketAddress(socket.AddressFamily);
        while (!stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, from, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (!from.Equals(peer))
            {
                continue;
            }

            if (behaviour == DemoBehaviour.Bridged)
            {
                PacketsReceived++;
                bridgedTo?.Forward(buffer.AsSpan(0, received), reply);
                continue;
            }

            var length = Reflect(buffer.AsSpan(0, received), reply);
            if (length > 0)
            {
                Send(reply.AsSpan(0, length));
            }
        }
    }

    /// <summary>Counts a received packet and, when echoing, writes it back with our own SSRC and sequence.</summary>
    private int Reflect(ReadOnlySpan<byte> received, Span<byte> reply)
    {
        if (!RtpPacket.TryParse(received, out var packet))
        {
            return 0;
        }

        PacketsReceived++;
        if (behaviour != DemoBehaviour.Echo)
        {
            return 0;
        }

        var header = stream.NextHeader(packet.PayloadType, PacketsSent == 0);
        var length = RtpPacketWriter.Write(reply, header, packet.Payload);
        stream.AdvanceTimestamp(samplesPerFrame);
        return length;
    }

    /// <summary>Sends the other agent's packet on as ours (our SSRC and sequence); called from that channel's receive
    /// loop only, with its buffer.</summary>
    private void Forward(ReadOnlySpan<byte> received, Span<byte> buffer)
    {
        if (!RtpPacket.TryParse(received, out var packet))
        {
            return;
        }

        var header = stream.NextHeader(packet.PayloadType, PacketsSent == 0);
        var length = RtpPacketWriter.Write(buffer, header, packet.Payload);
        stream.AdvanceTimestamp(samplesPerFrame);
        Send(buffer[..length]);
    }

    // Synchronous: a UDP send to loopback does not block, and an async one costs a state machine per packet.
    private void Send(ReadOnlySpan<byte> packet)
    {
        try
        {
            socket.SendTo(packet, SocketFlags.None, peer);
            PacketsSent++;
        }
        catch (SocketException)
        {
            // PbxBridge's socket is gone (call ending): the next hangup stops us.
        }
    }

    public async ValueTask DisposeAsync()
    {
        started = false;
        await stop.CancelAsync();
        try
        {
            if (receiveLoop is not null)
            {
                await receiveLoop;
            }

            await toneLoop;
        }
        catch (OperationCanceledException)
        {
        }

        socket.Dispose();
        stop.Dispose();
    }
}
