using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace PbxBridge.Net;

/// <summary>
/// One thread that owns the media of the calls assigned to it: their sockets (browser and PBX side, watched with one
/// level-triggered epoll set) and their 20 ms tick. A datagram is read and handled on the thread epoll woke, and a
/// wake-up serves every socket that is ready, so no packet crosses threads and no thread-pool hop, async state
/// machine or cancellation registration is paid per packet (the profile of the earlier per-socket async receive
/// loops showed those hops and wake-ups, not the codecs, as the gap to libopus alone). The tick is the epoll timeout.
/// Membership (sockets, ticked streams) changes from any thread by copy-on-write, so the loop reads it without
/// locks; removals complete once the pass that may still be using the member has ended.
/// </summary>
public sealed class MediaEventLoop : IDisposable
{
    private const int MaxEventsPerWait = 256;

    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly long _period;
    private readonly int _epoll;
    private readonly Lock _membership = new();
    private readonly List<TaskCompletionSource> _passWaiters = [];
    private volatile Watched?[] _watches = new Watched?[16];
    private volatile IPacedStream[] _streams = [];
    private volatile IPassEndListener[] _passEnd = [];
    private uint _generation;
    private int _watchCount;
    private volatile bool _stopping;
    private volatile bool _stopped;
    private volatile int _waiting;
    private long _wakeUps;
    private long _datagramEvents;
    private long _ticks;
    private long _lateTicks;
    private long _skippedTicks;
    private long _busyTimestampTicks;

    public MediaEventLoop(string name, ILogger logger, TimeSpan? period = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _period = (long)((period ?? TimeSpan.FromMilliseconds(20)).TotalSeconds * Stopwatch.Frequency);
        _epoll = LinuxEpoll.Create();
        _thread = new Thread(Run) { IsBackground = true, Name = name, Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Streams ticked by this loop.</summary>
    public int StreamCount => _streams.Length;

    /// <summary>Sockets watched by this loop.</summary>
    public int SocketCount => Volatile.Read(ref _watchCount);

    /// <summary>Times epoll returned (a tick or a datagram); with <see cref="DatagramEvents"/>, how well wake-ups batch.</summary>
    public long WakeUps => Interlocked.Read(ref _wakeUps);

    public long DatagramEvents => Interlocked.Read(ref _datagramEvents);

    /// <summary>Ticks run.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Ticks that started more than 5 ms after their time (the loop was busy or not scheduled).</summary>
    public long LateTicks => Interlocked.Read(ref _lateTicks);

    /// <summary>Ticks given up after the loop fell more than 100 ms behind: each is 20 ms of audio not sent to the PBX.</summary>
    public long SkippedTicks => Interlocked.Read(ref _skippedTicks);

    /// <summary>
    /// Stopwatch ticks this loop spent awake (handling datagrams and ticks, or ready but not scheduled) rather than
    /// waiting in epoll: its share of the wall clock is how much of its capacity the loop uses, known before ticks go late.
    /// </summary>
    public long BusyTimestampTicks => Interlocked.Read(ref _busyTimestampTicks);

    /// <summary>Watches <paramref name="socket"/>: <paramref name="owner"/> is called on this loop's thread while it has datagrams.</summary>
    public DatagramWatch Watch(Socket socket, IDatagramReadable owner)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return Watch(UdpDatagram.DescriptorOf(socket), owner);
    }

    /// <summary>Watches a descriptor that is not a socket (an eventfd another loop signals) the same way.</summary>
    public DatagramWatch Watch(int descriptor, IDatagramReadable owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        lock (_membership)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            var watches = _watches;
            var slot = Array.IndexOf(watches, null);
            if (slot < 0)
            {
                slot = watches.Length;
                var grown = new Watched?[watches.Length * 2];
                watches.CopyTo(grown, 0);
                watches = grown;
            }

            var generation = ++_generation;
            watches[slot] = new Watched(owner, descriptor, generation);
            _watches = watches;
            _watchCount++;
            LinuxEpoll.AddReadable(_epoll, descriptor, ((ulong)generation << 32) | (uint)slot);
            return new DatagramWatch(slot, generation);
        }
    }

    /// <summary>
    /// Stops watching, and completes once no call of the owner can still be running on the loop: the caller may then
    /// close the socket and free what the owner reads into.
    /// </summary>
    public Task UnwatchAsync(DatagramWatch watch)
    {
        lock (_membership)
        {
            var watches = _watches;
            if ((uint)watch.Slot >= (uint)watches.Length || watches[watch.Slot] is not { } current || current.Generation != watch.Generation)
            {
                return Task.CompletedTask;
            }

            if (!_stopped)
            {
                LinuxEpoll.Remove(_epoll, current.Descriptor);
            }

            watches[watch.Slot] = null;
            _watchCount--;
            return PassFinishedLocked();
        }
    }

    /// <summary>
    /// Completes once the pass running now (or the next one) has ended: whatever the caller changed before calling
    /// is seen by every later pass, and nothing from before can still be running on the loop.
    /// </summary>
    public Task NextPassAsync()
    {
        lock (_membership)
        {
            return PassFinishedLocked();
        }
    }

    /// <summary>True on this loop's own thread.</summary>
    public bool IsCurrentThread => Thread.CurrentThread == _thread;

    /// <summary>Calls <paramref name="listener"/> on this loop's thread at the end of every pass (a send batch flushes there).</summary>
    public void AddPassEndListener(IPassEndListener listener)
    {
        lock (_membership)
        {
            _passEnd = [.. _passEnd, listener];
        }
    }

    /// <summary>Stops calling <paramref name="listener"/>; completes once no pass can still be calling it.</summary>
    public Task RemovePassEndListenerAsync(IPassEndListener listener)
    {
        lock (_membership)
        {
            _passEnd = [.. _passEnd.Where(l => l != listener)];
            return PassFinishedLocked();
        }
    }

    public void AddStream(IPacedStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (_membership)
        {
            _streams = [.. _streams, stream];
        }
    }

    /// <summary>
    /// Takes <paramref name="stream"/> off the tick and completes once no tick of it can still be running: a tick that
    /// began before the removal may be halfway through the stream's codecs, which the caller is about to free.
    /// </summary>
    public Task RemoveStreamAsync(IPacedStream stream)
    {
        lock (_membership)
        {
            var streams = _streams;
            var index = Array.IndexOf(streams, stream);
            if (index < 0)
            {
                return Task.CompletedTask;
            }

            var copy = new IPacedStream[streams.Length - 1];
            Array.Copy(streams, 0, copy, 0, index);
            Array.Copy(streams, index + 1, copy, index, streams.Length - index - 1);
            _streams = copy;
            return PassFinishedLocked();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>
    /// Completes at the end of the pass running now (it may hold the arrays from before a removal), or of the next one
    /// if none is running: the passes after it read the arrays without the removed member.
    /// </summary>
    private Task PassFinishedLocked()
    {
        if (_stopped)
        {
            return Task.CompletedTask;
        }

        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _passWaiters.Add(finished);
        _waiting = _passWaiters.Count;
        return finished.Task;
    }

    private void ReleaseWaiters(bool final)
    {
        TaskCompletionSource[] released;
        lock (_membership)
        {
            _stopped |= final;
            released = [.. _passWaiters];
            _passWaiters.Clear();
            _waiting = 0;
        }

        foreach (var waiter in released)
        {
            waiter.TrySetResult();
        }
    }

    private void Run()
    {
        try
        {
            RunPasses();
        }
        finally
        {
            ReleaseWaiters(final: true);
            LinuxEpoll.Close(_epoll);
        }
    }

    private void RunPasses()
    {
        var events = GC.AllocateArray<byte>(MaxEventsPerWait * LinuxEpoll.EventSize, pinned: true);
        var due = Stopwatch.GetTimestamp() + _period;
        var lateThreshold = Stopwatch.Frequency / 200;
        var awake = Stopwatch.GetTimestamp();
        while (!_stopping)
        {
            var passEnd = Stopwatch.GetTimestamp();
            Volatile.Write(ref _busyTimestampTicks, _busyTimestampTicks + (passEnd - awake));
            var wait = due - passEnd;
            // Whole milliseconds, rounded up: a tick up to 1 ms late is harmless (the jitter buffer holds 20 ms or
            // more), a busy wait for the last fraction of a millisecond is not (it burned a core with no call up).
            var timeout = wait <= 0 ? 0 : (int)Math.Max(1, ((wait * 1000) + Stopwatch.Frequency - 1) / Stopwatch.Frequency);
            int count;
            try
            {
                count = LinuxEpoll.Wait(_epoll, events, timeout);
            }
            catch (IOException e)
            {
                _logger.LogCritical(e, "media loop {Loop} stopped: its calls lose their audio", _thread.Name);
                return;
            }

            awake = Stopwatch.GetTimestamp();
            _wakeUps++;
            if (count > 0)
            {
                Dispatch(events, count);
            }

            var now = Stopwatch.GetTimestamp();
            if (now >= due)
            {
                if (now - due > lateThreshold)
                {
                    _lateTicks++;
                }

                Tick(now);
                _ticks++;
                due += _period;
                var behind = Stopwatch.GetTimestamp() - due;
                if (behind > _period * 5)
                {
                    // We fell far behind (machine stalled): skip ahead rather than burst.
                    _skippedTicks += behind / _period;
                    due = Stopwatch.GetTimestamp() + _period;
                }
            }

            foreach (var listener in _passEnd)
            {
                try
                {
                    listener.OnPassEnd();
                }
#pragma warning disable CA1031 // A failed flush must not stop every call's audio.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _logger.LogError(e, "media loop pass-end handler failed for {Listener}", listener);
                }
            }

            // Between passes this thread holds no member at all: whoever removed one before now is safe.
            if (_waiting != 0)
            {
                ReleaseWaiters(final: false);
            }
        }
    }

    private void Dispatch(ReadOnlySpan<byte> events, int count)
    {
        var watches = _watches;
        _datagramEvents += count;
        for (var i = 0; i < count; i++)
        {
            var cookie = LinuxEpoll.CookieAt(events, i);
            var slot = (int)(uint)cookie;
            // A watch removed (and its slot perhaps reused) after epoll reported it: the generation tells.
            if ((uint)slot >= (uint)watches.Length || watches[slot] is not { } watch || watch.Generation != (uint)(cookie >> 32))
            {
                continue;
            }

            try
            {
                watch.Owner.OnReadable();
            }
#pragma warning disable CA1031 // One socket owner's bug must not stop every other call's audio.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.LogError(e, "media datagram handler failed for {Owner}", watch.Owner);
            }
        }
    }

    private void Tick(long now)
    {
        foreach (var stream in _streams)
        {
            try
            {
                stream.OnTick(now);
            }
#pragma warning disable CA1031 // One call's bug must not stop every other call's audio.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.LogError(e, "media tick failed for {Stream}", stream);
            }
        }
    }

    private sealed record Watched(IDatagramReadable Owner, int Descriptor, uint Generation);
}
