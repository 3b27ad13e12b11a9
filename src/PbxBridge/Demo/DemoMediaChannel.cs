using System.Net;
using System.Net.Sockets;
using PbxBridge.Calls.Pbx;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Demo;

/// <summary>
/// The demo PBX's end of the plain RTP: a real UDP socket on loopback, as an Asterisk externalMedia channel would
/// have. Echo reflects each packet (own SSRC, own sequence); tone sends 20 ms of the 1004 Hz tone every 20 ms.
/// Like Asterisk, it sends to the address it was given and accepts media only from there.
/// </summary>
public sealed class DemoMediaChannel : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly PbxCodec codec;
    private readonly IPEndPoint peer;
    private readonly CancellationTokenSource stop = new();
    private readonly RtpOutboundStream stream = new((uint)Random.Shared.NextInt64(1, uint.MaxValue));
    private readonly byte payloadType;
    private readonly int samplesPerFrame;
    private Task? loop;
    private volatile DemoBehaviour behaviour;

    public DemoMediaChannel(IPAddress bindAddress, IPEndPoint peer, PbxCodec codec, DemoBehaviour behaviour)
    {
        socket = new Socket(bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(bindAddress, 0));
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        this.peer = peer;
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
        set => behaviour = value;
    }

    public void Start()
    {
        loop = Task.WhenAll(Task.Run(ReceiveAsync), Task.Run(ToneAsync));
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
                    continue;
                }

                var header = stream.NextHeader(payloadType, PacketsSent == 0);
                var length = RtpPacketWriter.Write(packet, header, tone.Payload.AsSpan(offset, tone.BytesPerFrame));
                stream.AdvanceTimestamp(samplesPerFrame);
                offset = (offset + tone.BytesPerFrame) % tone.Payload.Length;
                await SendAsync(packet.AsMemory(0, length));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[1500];
        var reply = new byte[1500];
        var from = new SocketAddress(socket.AddressFamily);
        var expected = peer.Serialize();
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

            if (!from.Equals(expected))
            {
                continue;
            }

            var length = Reflect(buffer.AsSpan(0, received), reply);
            if (length > 0)
            {
                await SendAsync(reply.AsMemory(0, length));
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

    private async ValueTask SendAsync(ReadOnlyMemory<byte> packet)
    {
        try
        {
            await socket.SendToAsync(packet, SocketFlags.None, peer, stop.Token);
            PacketsSent++;
        }
        catch (SocketException)
        {
            // PbxBridge's socket is gone (call ending): the next hangup stops us.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (loop is not null)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        socket.Dispose();
        stop.Dispose();
    }
}
