using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;

namespace PbxBridge.Net.Tests;

/// <summary>
/// The media loop over real loopback sockets: datagrams handled on its thread, ticks, and removals that complete only
/// once nothing of the removed member can still be running (a call frees its codecs and closes its sockets right after).
/// </summary>
public sealed class MediaEventLoopTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Stream_removal_completes_only_after_the_tick_in_progress_returned_and_no_tick_follows()
    {
        using var loop = new MediaEventLoop("test-loop", NullLogger.Instance);
        using var stream = new BlockingStream();
        loop.AddStream(stream);
        Assert.True(stream.Entered.Wait(Wait), "the loop never ticked the stream");

        // The call tears down while the loop is inside the stream's tick (decoding into its codecs).
        var removed = loop.RemoveStreamAsync(stream);
        await Task.Delay(200);
        Assert.False(removed.IsCompleted, "removal reported done while a tick was still running");

        stream.Leave.Set();
        await removed.WaitAsync(Wait);
        Assert.False(stream.Inside);
        var ticks = stream.Ticks;
        await Task.Delay(200);
        Assert.Equal(ticks, stream.Ticks);
    }

    [Fact]
    public async Task Removal_of_a_member_never_added_or_after_the_loop_stopped_completes_at_once()
    {
        var loop = new MediaEventLoop("test-loop", NullLogger.Instance);
        using var stream = new BlockingStream();
        stream.Leave.Set();
        await loop.RemoveStreamAsync(stream).WaitAsync(Wait);
        await loop.UnwatchAsync(new DatagramWatch(3, 99)).WaitAsync(Wait);

        loop.AddStream(stream);
        Assert.True(stream.Entered.Wait(Wait));
        loop.Dispose();

        // Shutdown disposes the loops before the last calls release their media: their removal must not hang.
        await loop.RemoveStreamAsync(stream).WaitAsync(Wait);
    }

    [Fact]
    public async Task Datagrams_are_read_on_the_loop_thread_with_their_source_and_nothing_after_unwatch()
    {
        using var loop = new MediaEventLoop("test-loop-io", NullLogger.Instance);
        using var socket = BoundSocket();
        using var sender = BoundSocket();
        var reader = new Reader(socket);
        var watch = loop.Watch(socket, reader);

        var target = socket.LocalEndPoint!;
        for (var i = 0; i < 3; i++)
        {
            sender.SendTo(new byte[] { 0x80, (byte)i, 1, 2 }, target);
        }

        await reader.WaitForAsync(3).WaitAsync(Wait);
        Assert.Equal("test-loop-io", reader.ThreadName);
        Assert.Equal([0, 1, 2], reader.SecondBytes);
        Assert.Equal(((IPEndPoint)sender.LocalEndPoint!).Serialize(), reader.LastSource);
        Assert.Equal(1, loop.SocketCount);

        await loop.UnwatchAsync(watch).WaitAsync(Wait);
        Assert.Equal(0, loop.SocketCount);
        sender.SendTo(new byte[] { 0x80, 9 }, target);
        await Task.Delay(200);
        Assert.Equal(3, reader.Count);
    }

    [Fact]
    public async Task A_flooded_socket_does_not_stop_the_ticks()
    {
        using var loop = new MediaEventLoop("test-loop-flood", NullLogger.Instance);
        using var socket = BoundSocket();
        using var stream = new BlockingStream();
        stream.Leave.Set();
        var reader = new Reader(socket);
        loop.Watch(socket, reader);
        loop.AddStream(stream);

        using var flooding = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var flood = Task.Run(() =>
        {
            using var sender = BoundSocket();
            var datagram = new byte[200];
            while (!flooding.IsCancellationRequested)
            {
                sender.SendTo(datagram, socket.LocalEndPoint!);
            }
        });
        var ticksBefore = stream.Ticks;
        await flood;

        // One datagram per readiness and per socket, then the clock is checked: a 1 s flood still sees ticks.
        Assert.True(reader.Count > 100, $"the loop read only {reader.Count} datagrams of the flood");
        Assert.True(stream.Ticks - ticksBefore >= 10, $"only {stream.Ticks - ticksBefore} ticks during a 1 s flood");
    }

    [Fact]
    public void Reading_an_empty_socket_says_nothing_is_queued_instead_of_blocking()
    {
        using var socket = BoundSocket();
        var source = new SocketAddress(AddressFamily.InterNetwork);
        Assert.Equal(UdpDatagram.NothingQueued, UdpDatagram.TryReceiveFrom(UdpDatagram.DescriptorOf(socket), new byte[100], source));
    }

    [Fact]
    public void An_IPv6_source_reads_back_as_the_endpoint_it_was_sent_from()
    {
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        using var sender = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        sender.SendTo(new byte[] { 1, 2, 3 }, socket.LocalEndPoint!);

        var source = new SocketAddress(AddressFamily.InterNetworkV6);
        var buffer = new byte[2];
        var length = -1;
        for (var attempt = 0; attempt < 100 && length < 0; attempt++)
        {
            length = UdpDatagram.TryReceiveFrom(UdpDatagram.DescriptorOf(socket), buffer, source);
            if (length < 0)
            {
                Thread.Sleep(10);
            }
        }

        // Truncated to the buffer, as recvfrom does; the source is the sender's, byte for byte.
        Assert.Equal(2, length);
        Assert.Equal(sender.LocalEndPoint, new IPEndPoint(IPAddress.IPv6Any, 0).Create(source));
    }

    [Fact]
    public void Arrival_is_when_the_kernel_received_the_datagram_not_when_it_was_read()
    {
        using var socket = BoundSocket();
        using var sender = BoundSocket();
        UdpDatagram.EnableArrivalTimestamps(socket);
        WaitUntilTheKernelStamps(socket, sender);
        var sent = Stopwatch.GetTimestamp();
        sender.SendTo(new byte[] { 0x80, 0 }, socket.LocalEndPoint!);

        // The loop was busy for 150 ms: the packet's arrival must still say when it came, for the jitter buffer.
        Thread.Sleep(150);
        var source = new SocketAddress(AddressFamily.InterNetwork);
        var length = UdpDatagram.TryReceiveFrom(UdpDatagram.DescriptorOf(socket), new byte[100], source, out var arrival);
        var read = Stopwatch.GetTimestamp();

        Assert.Equal(2, length);
        Assert.InRange(Stopwatch.GetElapsedTime(sent, arrival).TotalMilliseconds, -5, 50);
        Assert.True(Stopwatch.GetElapsedTime(arrival, read).TotalMilliseconds >= 140, "arrival was stamped when read");
        Assert.Equal(sender.LocalEndPoint, new IPEndPoint(IPAddress.Any, 0).Create(source));
    }

    /// <summary>
    /// Linux turns receive timestamps on for the whole stack through deferred work (a static key), so a datagram that
    /// arrives just after the first SO_TIMESTAMPNS socket of the machine asked for them is stamped only when read. Wait
    /// until a probe that sat 30 ms in the queue comes back with its age, as every datagram of a running service does.
    /// </summary>
    private static void WaitUntilTheKernelStamps(Socket socket, Socket sender)
    {
        var source = new SocketAddress(AddressFamily.InterNetwork);
        var buffer = new byte[100];
        for (var attempt = 0; attempt < 50; attempt++)
        {
            sender.SendTo(new byte[] { 0x80, 0 }, socket.LocalEndPoint!);
            Thread.Sleep(30);
            var length = UdpDatagram.TryReceiveFrom(UdpDatagram.DescriptorOf(socket), buffer, source, out var arrival);
            Assert.Equal(2, length);
            if (Stopwatch.GetElapsedTime(arrival).TotalMilliseconds >= 20)
            {
                return;
            }
        }

        Assert.Fail("the kernel never stamped a datagram's arrival (SO_TIMESTAMPNS)");
    }

    private static Socket BoundSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private sealed class Reader(Socket socket) : IDatagramReadable
    {
        private readonly int descriptor = UdpDatagram.DescriptorOf(socket);
        private readonly byte[] buffer = new byte[1500];
        private readonly SocketAddress source = new(AddressFamily.InterNetwork);
        private readonly List<int> secondBytes = [];
        private int count;

        public string? ThreadName { get; private set; }

        public SocketAddress? LastSource { get; private set; }

        public int Count => Volatile.Read(ref count);

        public IReadOnlyList<int> SecondBytes
        {
            get
            {
                lock (secondBytes)
                {
                    return [.. secondBytes];
                }
            }
        }

        public void OnReadable()
        {
            var length = UdpDatagram.TryReceiveFrom(descriptor, buffer, source);
            if (length < 0)
            {
                return;
            }

            ThreadName = Thread.CurrentThread.Name;
            LastSource = new SocketAddress(source.Family, source.Size);
            source.Buffer.CopyTo(LastSource.Buffer);
            if (length > 1 && count < 10)
            {
                lock (secondBytes)
                {
                    secondBytes.Add(buffer[1]);
                }
            }

            Interlocked.Increment(ref count);
        }

        public async Task WaitForAsync(int expected)
        {
            while (Count < expected)
            {
                await Task.Delay(10);
            }
        }
    }

    private sealed class BlockingStream : IPacedStream, IDisposable
    {
        private int inside;
        private int ticks;

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Leave { get; } = new();

        public bool Inside => Volatile.Read(ref inside) != 0;

        public int Ticks => Volatile.Read(ref ticks);

        public void OnTick(long now)
        {
            Interlocked.Increment(ref ticks);
            Volatile.Write(ref inside, 1);
            Entered.Set();
            Leave.Wait();
            Volatile.Write(ref inside, 0);
        }

        public void Dispose()
        {
            Entered.Dispose();
            Leave.Dispose();
        }
    }
}
