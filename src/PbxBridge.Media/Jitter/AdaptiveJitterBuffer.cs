using PbxBridge.Media.Rtp;
using PbxBridge.Media.Statistics;

namespace PbxBridge.Media.Jitter;

/// <summary>
/// Receive-side jitter buffer for the browser -> PBX direction, where the PBX wants exactly one packet every 20 ms.
/// Packets are copied into fixed, preallocated slots indexed by sequence number, so reordering costs nothing and no
/// packet allocates. Playout is pulled by the call's pacer, one packet per tick, in sequence order.
/// <para>
/// Depth follows NetEq's idea in a simpler form: the target is one frame plus three times the RFC 3550 jitter,
/// clamped to 20..200 ms. It grows by waiting (an underrun conceals without skipping, so a delayed packet is still
/// played and the buffer is one frame deeper) and shrinks by dropping one packet when the buffer stayed above target
/// for a whole observation window (500 ms).
/// </para>
/// </summary>
public sealed class AdaptiveJitterBuffer
{
    public const int MinTargetDelayMs = 20;
    public const int MaxTargetDelayMs = 200;

    private const int ObservationWindowTicks = 25;
    private const int UnderrunsBeforeRebuffering = 10;
    private const int DefaultFrameMs = 20;

    // A 20 ms voice frame from a browser is 40-160 bytes, so slots start at this size and all grow to
    // maxPayloadBytes only when a larger payload arrives (once per call at most): a voice call holds
    // 64 x 320 B = 20 KB instead of 64 x 1500 B = 96 KB, which was a quarter of PbxBridge's memory per call.
    private const int InitialSlotBytes = 320;

    private readonly int _capacity;
    private readonly int _maxPayloadBytes;
    private int _slotSize;
    private byte[] _storage;
    private readonly int[] _lengths;
    private readonly ushort[] _sequenceNumbers;
    private readonly uint[] _timestamps;
    private readonly byte[] _payloadTypes;
    private readonly bool[] _occupied;
    private readonly int _clockRate;
    private readonly int _jitterPayloadType;
    private readonly MediaDirectionStatistics _statistics;

    private InterarrivalJitter _jitter;
    private bool _started;
    private bool _buffering = true;
    private uint _ssrc;
    private ushort _nextSequence;
    private ushort _highestSequence;
    private uint _highestTimestamp;
    private int _count;
    private int _frameUnits;
    private int _targetDelayMs = MinTargetDelayMs;
    private int _windowTicks;
    private int _windowMinimumLevel = int.MaxValue;
    private int _consecutiveUnderruns;
    private bool _playedSinceRestart;

    /// <param name="clockRate">RTP clock of the audio payload (48000 for Opus).</param>
    /// <param name="jitterPayloadType">Only this payload type feeds the jitter estimate (RFC 4733 events repeat their
    /// timestamp and would inflate it); -1 = every packet.</param>
    /// <param name="statistics">Where late, duplicate, lost, resync and jitter figures go.</param>
    /// <param name="capacity">Slots (packets); a power of two.</param>
    /// <param name="maxPayloadBytes">Largest payload accepted.</param>
    public AdaptiveJitterBuffer(int clockRate, int jitterPayloadType, MediaDirectionStatistics statistics, int capacity = 64, int maxPayloadBytes = 1500)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        ArgumentNullException.ThrowIfNull(statistics);
        if (capacity < 16 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Capacity must be a power of two, at least 16.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPayloadBytes);
        _clockRate = clockRate;
        _jitterPayloadType = jitterPayloadType;
        _statistics = statistics;
        _capacity = capacity;
        _maxPayloadBytes = maxPayloadBytes;
        _slotSize = Math.Min(InitialSlotBytes, maxPayloadBytes);
        _storage = new byte[capacity * _slotSize];
        _lengths = new int[capacity];
        _sequenceNumbers = new ushort[capacity];
        _timestamps = new uint[capacity];
        _payloadTypes = new byte[capacity];
        _occupied = new bool[capacity];
        _jitter = new InterarrivalJitter(clockRate);
        _frameUnits = clockRate * DefaultFrameMs / 1000;
        _statistics.SetTargetDelay(_targetDelayMs);
    }

    /// <summary>Packets waiting to be played.</summary>
    public int Count => _count;

    public int TargetDelayMs => _targetDelayMs;

    /// <summary>RFC 3550 jitter of the incoming stream.</summary>
    public double JitterMs => _jitter.Milliseconds;

    /// <summary>How long one packet lasts, learnt from timestamp steps (20 ms until learnt).</summary>
    public int FrameDurationMs => Math.Max(1, _frameUnits * 1000 / _clockRate);

    public bool IsBuffering => _buffering;

    public JitterBufferInsertResult Insert(uint ssrc, ushort sequenceNumber, uint timestamp, byte payloadType, ReadOnlySpan<byte> payload, long arrivalTicks)
    {
        if (payload.Length > _maxPayloadBytes)
        {
            return JitterBufferInsertResult.TooLarge;
        }

        if (payload.Length > _slotSize)
        {
            GrowSlots();
        }

        var resynced = false;
        if (!_started || ssrc != _ssrc)
        {
            resynced = _started;
            Restart(ssrc, sequenceNumber);
        }

        var ahead = RtpSequence.Distance(_nextSequence, sequenceNumber);
        if (ahead < 0 && !_playedSinceRestart && RtpSequence.Distance(sequenceNumber, _highestSequence) < _capacity)
        {
            // Reordered at the very start: nothing has been played yet, so playout can simply begin earlier.
            _nextSequence = sequenceNumber;
            ahead = 0;
        }

        if (ahead < 0)
        {
            _statistics.OnPacketLate();
            return JitterBufferInsertResult.Late;
        }

        if (ahead >= _capacity)
        {
            // Far beyond anything we could hold: the sender restarted its sequence (or skipped ahead); start over.
            resynced = true;
            Restart(ssrc, sequenceNumber);
        }

        var slot = sequenceNumber & (_capacity - 1);
        if (_occupied[slot])
        {
            _statistics.OnPacketDuplicated();
            return JitterBufferInsertResult.Duplicate;
        }

        payload.CopyTo(_storage.AsSpan(slot * _slotSize, _slotSize));
        _lengths[slot] = payload.Length;
        _sequenceNumbers[slot] = sequenceNumber;
        _timestamps[slot] = timestamp;
        _payloadTypes[slot] = payloadType;
        _occupied[slot] = true;
        _count++;

        if (_jitterPayloadType < 0 || payloadType == _jitterPayloadType)
        {
            LearnFrameDuration(sequenceNumber, timestamp);
            _jitter.Update(timestamp, arrivalTicks);
            _statistics.SetJitter(_jitter.Milliseconds);
            UpdateTarget();
        }
        else if (RtpSequence.IsNewer(sequenceNumber, _highestSequence))
        {
            _highestSequence = sequenceNumber;
        }

        return resynced ? JitterBufferInsertResult.AcceptedAfterResync : JitterBufferInsertResult.Accepted;
    }

    /// <summary>Moves every held packet to slots of the largest accepted size; a packet handed out earlier keeps the
    /// old array alive, so its span stays valid.</summary>
    private void GrowSlots()
    {
        var storage = new byte[_capacity * _maxPayloadBytes];
        for (var slot = 0; slot < _capacity; slot++)
        {
            if (_occupied[slot])
            {
                _storage.AsSpan(slot * _slotSize, _lengths[slot]).CopyTo(storage.AsSpan(slot * _maxPayloadBytes));
            }
        }

        _storage = storage;
        _slotSize = _maxPayloadBytes;
    }

    /// <summary>
    /// Called once per playout tick. On <see cref="JitterBufferOutcome.Packet"/> the packet is in
    /// <paramref name="packet"/>; on <see cref="JitterBufferOutcome.Missing"/> the caller may look at
    /// <see cref="TryPeekNext"/> for FEC.
    /// </summary>
    public JitterBufferOutcome Dequeue(out JitterBufferPacket packet)
    {
        packet = default;
        if (!_started)
        {
            return JitterBufferOutcome.Buffering;
        }

        if (_buffering)
        {
            if (_count == 0 || BufferedSpanMs() < _targetDelayMs)
            {
                return JitterBufferOutcome.Buffering;
            }

            _buffering = false;
            ResetWindow();
        }

        ObserveLevel();

        var slot = _nextSequence & (_capacity - 1);
        if (_occupied[slot])
        {
            _consecutiveUnderruns = 0;
            _playedSinceRestart = true;
            packet = Take(slot);
            return JitterBufferOutcome.Packet;
        }

        // A hole with later packets behind it is only a loss once the buffer holds a full target's worth past it;
        // before that the packet may just be reordered or delayed, and waiting for it is what the depth is for.
        if (_count > 0 && BufferedSpanMs() >= _targetDelayMs)
        {
            _consecutiveUnderruns = 0;
            _playedSinceRestart = true;
            _statistics.OnPacketsLost(1);
            _nextSequence++;
            return JitterBufferOutcome.Missing;
        }

        if (++_consecutiveUnderruns >= UnderrunsBeforeRebuffering)
        {
            // The sender paused (mute, hold) or the network stalled: refill to target before playing again.
            _buffering = true;
            _consecutiveUnderruns = 0;
        }

        return JitterBufferOutcome.Underrun;
    }

    /// <summary>The packet due next, without consuming it (for in-band FEC after a loss).</summary>
    public bool TryPeekNext(out JitterBufferPacket packet)
    {
        var slot = _nextSequence & (_capacity - 1);
        if (_started && _occupied[slot])
        {
            packet = new JitterBufferPacket(_storage.AsSpan(slot * _slotSize, _lengths[slot]), _payloadTypes[slot], _sequenceNumbers[slot], _timestamps[slot]);
            return true;
        }

        packet = default;
        return false;
    }

    private JitterBufferPacket Take(int slot)
    {
        _occupied[slot] = false;
        _count--;
        _nextSequence++;
        return new JitterBufferPacket(_storage.AsSpan(slot * _slotSize, _lengths[slot]), _payloadTypes[slot], _sequenceNumbers[slot], _timestamps[slot]);
    }

    private void Restart(uint ssrc, ushort sequenceNumber)
    {
        if (_started)
        {
            _statistics.OnResync();
        }

        Array.Clear(_occupied);
        _count = 0;
        _started = true;
        _buffering = true;
        _ssrc = ssrc;
        _nextSequence = sequenceNumber;
        _highestSequence = sequenceNumber;
        _highestTimestamp = 0;
        _consecutiveUnderruns = 0;
        _playedSinceRestart = false;
        _jitter.RestartTransit();
    }

    private void LearnFrameDuration(ushort sequenceNumber, uint timestamp)
    {
        var sequenceStep = RtpSequence.Distance(_highestSequence, sequenceNumber);
        if (sequenceStep <= 0)
        {
            return;
        }

        var timestampStep = RtpSequence.TimestampDistance(_highestTimestamp, timestamp);
        if (_highestTimestamp != 0 && sequenceStep == 1 && timestampStep > 0 && timestampStep <= _clockRate / 8)
        {
            _frameUnits = timestampStep;
        }

        _highestSequence = sequenceNumber;
        _highestTimestamp = timestamp;
    }

    private void UpdateTarget()
    {
        var frameMs = FrameDurationMs;
        var wantedMs = frameMs + (3.0 * _jitter.Milliseconds);
        var frames = (int)Math.Ceiling(wantedMs / frameMs);
        _targetDelayMs = Math.Clamp(frames * frameMs, MinTargetDelayMs, MaxTargetDelayMs);
        _statistics.SetTargetDelay(_targetDelayMs);
    }

    // Span of media buffered from the next due packet to the newest one, in ms (holes included: they will be concealed).
    private int BufferedSpanMs() => (RtpSequence.Distance(_nextSequence, _highestSequence) + 1) * FrameDurationMs;

    private void ObserveLevel()
    {
        var levelMs = _count * FrameDurationMs;
        _windowMinimumLevel = Math.Min(_windowMinimumLevel, levelMs);
        if (++_windowTicks < ObservationWindowTicks)
        {
            return;
        }

        if (_windowMinimumLevel >= _targetDelayMs + (2 * FrameDurationMs))
        {
            DropOldestForDelay();
        }

        ResetWindow();
    }

    private void DropOldestForDelay()
    {
        var slot = _nextSequence & (_capacity - 1);
        if (_occupied[slot])
        {
            _occupied[slot] = false;
            _count--;
            _nextSequence++;
            _statistics.OnFrameDroppedForDelay();
        }
    }

    private void ResetWindow()
    {
        _windowTicks = 0;
        _windowMinimumLevel = int.MaxValue;
    }
}
