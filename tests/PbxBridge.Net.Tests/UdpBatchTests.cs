using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PbxBridge.Net.Tests;

/// <summary>sendmmsg and recvmmsg on real loopback sockets: many datagrams per system call, each to and from its own address.</summary>
public sealed class UdpBatchTests
{
    [Fact]
    public void The_message_header_has_the_kernel_s_mmsghdr_layout()
    {
        // struct msghdr is 56 bytes on 64-bit Linux, msg_len follows at 56: a 56-byte header made every second
        // message of a batch garbage (seen as sendmmsg sending one datagram and failing the next).
        Assert.Equal(64, System.Runtime.CompilerServices.Unsafe.SizeOf<MultiMessage.Header>());
        Assert.Equal(56, (int)Marshal.OffsetOf<MultiMessage.Header>(nameof(MultiMessage.Header.Length)));
    }

    [Fact]
    public void One_flush_sends_every_queued_datagram_to_its_own_address_in_one_call()
    {
        using var sender = Bound();
        using var receiverA = Bound();
        using var receiverB = Bound();
        using var batch = new UdpSendBatch(UdpDatagram.DescriptorOf(sender));
        var a = receiverA.LocalEndPoint!.Serialize();
        var b = receiverB.LocalEndPoint!.Serialize();

        for (byte i = 0; i < 10; i++)
        {
            Assert.True(batch.TryAdd(new byte[] { 0x80, i, 1, 2, 3 }, i % 2 == 0 ? a : b));
        }

        Assert.Equal(0, receiverA.Available);
        batch.Flush();

        Assert.Equal(1, batch.Calls);
        Assert.Equal(10, batch.Datagrams);
        Assert.Equal([0, 2, 4, 6, 8], ReceiveSecondBytes(receiverA, 5));
        Assert.Equal([1, 3, 5, 7, 9], ReceiveSecondBytes(receiverB, 5));
    }

    [Fact]
    public void A_full_batch_flushes_itself_and_keeps_the_rest_for_the_next_call()
    {
        using var sender = Bound();
        using var receiver = Bound();
        using var batch = new UdpSendBatch(UdpDatagram.DescriptorOf(sender));
        var target = receiver.LocalEndPoint!.Serialize();

        for (var i = 0; i < UdpSendBatch.Capacity + 3; i++)
        {
            batch.TryAdd(new byte[] { 0x80, (byte)i }, target);
        }

        Assert.Equal(1, batch.Calls);
        batch.Flush();
        Assert.Equal(2, batch.Calls);
        Assert.Equal(UdpSendBatch.Capacity + 3, batch.Datagrams);
        Assert.Equal(Enumerable.Range(0, UdpSendBatch.Capacity + 3).Select(i => (byte)i), ReceiveSecondBytes(receiver, UdpSendBatch.Capacity + 3));
    }

    [Fact]
    public void A_datagram_larger_than_a_slot_is_refused_and_leaves_the_batch_as_it_was()
    {
        using var sender = Bound();
        using var receiver = Bound();
        using var batch = new UdpSendBatch(UdpDatagram.DescriptorOf(sender));
        var target = receiver.LocalEndPoint!.Serialize();

        Assert.True(batch.TryAdd(new byte[] { 0x80, 1 }, target));
        Assert.False(batch.TryAdd(new byte[UdpSendBatch.SlotSize + 1], target));
        Assert.True(batch.TryAdd(new byte[] { 0x80, 2 }, target));
        batch.Flush();

        Assert.Equal(2, batch.Datagrams);
        Assert.Equal([1, 2], ReceiveSecondBytes(receiver, 2));
        batch.Dispose();
        Assert.False(batch.TryAdd(new byte[] { 0x80, 3 }, target));
    }

    [Fact]
    public void One_receive_reads_every_queued_datagram_with_its_source_and_arrival()
    {
        using var receiver = Bound();
        using var senderA = Bound();
        using var senderB = Bound();
        UdpDatagram.EnableArrivalTimestamps(receiver);
        using var batch = new UdpReceiveBatch(UdpDatagram.DescriptorOf(receiver));
        Assert.Equal(0, batch.Receive());

        for (byte i = 0; i < 6; i++)
        {
            (i % 2 == 0 ? senderA : senderB).SendTo(new byte[] { 0x80, i, 9 }, receiver.LocalEndPoint!);
        }

        SpinWait.SpinUntil(() => receiver.Available > 0, 2000);
        Thread.Sleep(50);
        var count = batch.Receive();

        Assert.Equal(6, count);
        var source = new SocketAddress(AddressFamily.InterNetwork);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(new byte[] { 0x80, (byte)i, 9 }, batch.Datagram(i).ToArray());
            batch.CopySource(i, source);
            Assert.Equal(i % 2 == 0 ? senderA.LocalEndPoint : senderB.LocalEndPoint, new IPEndPoint(IPAddress.Any, 0).Create(source));
            Assert.True(batch.Arrival(i) <= System.Diagnostics.Stopwatch.GetTimestamp());
        }

        Assert.Equal(0, batch.Receive());
    }

    private static byte[] ReceiveSecondBytes(Socket socket, int count)
    {
        socket.ReceiveTimeout = 2000;
        var buffer = new byte[64];
        var seen = new byte[count];
        for (var i = 0; i < count; i++)
        {
            socket.Receive(buffer);
            seen[i] = buffer[1];
        }

        return seen;
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
