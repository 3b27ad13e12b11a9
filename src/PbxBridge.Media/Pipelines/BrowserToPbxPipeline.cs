using PbxBridge.Media.Dtmf;
using PbxBridge.Media.Jitter;
using PbxBridge.Media.Opus;
using PbxBridge.Media.Rtp;
using PbxBridge.Media.Statistics;

namespace PbxBridge.Media;

/// <summary>
/// Browser -> PBX for one call: Opus RTP in (already SRTP-decrypted), jitter buffer, Opus decoded straight at the
/// PBX's rate, PCMU / PCMA / slin16 RTP out, one packet per 20 ms pacer tick, our SSRC and continuous
/// sequence/timestamp whatever the browser does (SSRC change, loss, DTMF), so Asterisk's strictrtp stays locked.
/// RFC 4733 digits from the browser are taken out of band (<see cref="TryTakeDtmf"/>); where the PBX leg negotiated
/// telephone-event (FreeSWITCH's SIP leg), <see cref="StartDtmf"/> sends a digit to it in band as RFC 4733 events on our
/// own SSRC and sequence, in place of the audio of those ticks; otherwise the PBX adapter sends it through ARI.
/// Everything is preallocated here; Push and Pull allocate nothing and must be called from the call's one thread.
/// </summary>
public sealed class BrowserToPbxPipeline : IDisposable
{
    private const int OpusRtpClockRate = 48000;
    private const int MaxOpusPacketMs = 120;
    private const int PendingDtmfCapacity = 16;

    private readonly BrowserToPbxOptions _options;
    private readonly OpusDecoder _decoder;
    private readonly AdaptiveJitterBuffer _jitterBuffer;
    private readonly TelephoneEventDetector? _dtmfDetector;
    private readonly TelephoneEventGenerator? _dtmfToPbx;
    private readonly RtpOutboundStream _stream;
    private readonly byte _pbxPayloadType;
    private readonly int _frameSamples;
    private readonly short[] _pcm;
    private readonly DtmfDigitEvent[] _pendingDtmf = new DtmfDigitEvent[PendingDtmfCapacity];
    private int _pcmStart;
    private int _pcmEnd;
    private int _lastPacketSamples;
    private int _dtmfHead;
    private int _dtmfCount;
    private bool _started;
    private bool _talkspurtStart;

    public BrowserToPbxPipeline(BrowserToPbxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        PipelineOptionsValidation.Validate(options.OpusPayloadType, options.TelephoneEventPayloadType, options.TelephoneEventClockRate, options.Format);
        _options = options;
        var sampleRate = PbxPayloadCodec.SampleRate(options.Format);
        _decoder = new OpusDecoder(sampleRate);
        _frameSamples = PbxPayloadCodec.SamplesPer20Ms(options.Format);
        _lastPacketSamples = _frameSamples;
        _pbxPayloadType = PbxPayloadCodec.PayloadType(options.Format);
        _pcm = new short[(2 * _frameSamples) + (sampleRate * MaxOpusPacketMs / 1000)];
        _stream = new RtpOutboundStream(options.PbxSsrc);
        Statistics = new MediaDirectionStatistics();
        _jitterBuffer = new AdaptiveJitterBuffer(OpusRtpClockRate, options.OpusPayloadType, Statistics);
        if (options.TelephoneEventPayloadType >= 0)
        {
            _dtmfDetector = new TelephoneEventDetector(options.TelephoneEventClockRate);
        }

        if (options.PbxTelephoneEventPayloadType is >= 0 and <= 127)
        {
            // The event clock is the PBX leg's audio clock (telephone-event/8000 beside PCMU), so the event's
            // timestamp and durations line up with the audio packets around it.
            _dtmfToPbx = new TelephoneEventGenerator(sampleRate);
        }
    }

    public MediaDirectionStatistics Statistics { get; }

    /// <summary>The jitter buffer's current target depth.</summary>
    public int TargetDelayMs => _jitterBuffer.TargetDelayMs;

    /// <summary>Largest packet <see cref="Pull"/> writes: header + one 20 ms frame.</summary>
    public int MaxPacketLength => RtpPacket.FixedHeaderLength + (_frameSamples * PbxPayloadCodec.BytesPerSample(_options.Format));

    /// <summary>True when the PBX leg takes RFC 4733 events (<see cref="BrowserToPbxOptions.PbxTelephoneEventPayloadType"/>).</summary>
    public bool CanSendDtmf => _dtmfToPbx is not null;

    /// <summary>True while a digit's event packets are going out instead of audio.</summary>
    public bool IsSendingDtmf => _dtmfToPbx is { IsActive: true };

    /// <summary>
    /// Sends <paramref name="digit"/> to the PBX in band: the next <see cref="Pull"/> calls write RFC 4733 events
    /// (marker on the first, the press's start timestamp on all, End three times) while the audio of those ticks is
    /// consumed and dropped, so the PBX never hears the tone twice; a press still going is replaced. Call from the
    /// pacer thread, like <see cref="Pull"/>.
    /// </summary>
    public void StartDtmf(char digit, TimeSpan duration)
    {
        if (_dtmfToPbx is null)
        {
            throw new InvalidOperationException("The PBX leg did not negotiate telephone-event; send the digit through the PBX's control API.");
        }

        _dtmfToPbx.Start(digit, duration, _stream.Timestamp);
    }

    /// <summary>A decrypted RTP packet from the browser (Opus or telephone-event). Copies what it keeps; never throws on bad input.</summary>
    public void Push(ReadOnlySpan<byte> rtpPacket, long arrivalTimestamp)
    {
        Statistics.OnPacketReceived(rtpPacket.Length);
        if (!RtpPacket.TryParse(rtpPacket, out var packet))
        {
            Statistics.OnPacketDiscarded();
            return;
        }

        var payloadType = packet.PayloadType;
        if (payloadType == _options.OpusPayloadType)
        {
            // A padding-only packet (bandwidth probing) carries no media but does take a sequence number: it is
            // queued empty and skipped at playout, so it is neither played as a frame nor concealed as a loss.
            _jitterBuffer.Insert(packet.Ssrc, packet.SequenceNumber, packet.Timestamp, payloadType, packet.Payload, arrivalTimestamp);
            return;
        }

        if (_dtmfDetector is not null && payloadType == _options.TelephoneEventPayloadType)
        {
            var detection = _dtmfDetector.Process(packet.Timestamp, packet.Payload, out var digit);
            if (detection == TelephoneEventDetection.Malformed)
            {
                Statistics.OnPacketDiscarded();
                return;
            }

            if (detection == TelephoneEventDetection.Ended)
            {
                EnqueueDtmf(digit);
            }

            // The event takes the place of audio in the sequence space: queue it as a placeholder so its sequence
            // number is not mistaken for a lost Opus packet.
            _jitterBuffer.Insert(packet.Ssrc, packet.SequenceNumber, packet.Timestamp, payloadType, default, arrivalTimestamp);
            return;
        }

        Statistics.OnPacketDiscarded();
    }

    /// <summary>
    /// Called every 20 ms by the call's pacer: writes ONE RTP packet for the PBX into <paramref name="destination"/>
    /// and returns its length; conceals (PLC / FEC) what is missing; returns 0 while the jitter buffer is still filling
    /// at the start of the call (or if <paramref name="destination"/> is smaller than <see cref="MaxPacketLength"/>).
    /// </summary>
    public int Pull(Span<byte> destination, long nowTimestamp)
    {
        if (destination.Length < MaxPacketLength)
        {
            return 0;
        }

        while (_pcmEnd - _pcmStart < _frameSamples)
        {
            if (!Refill())
            {
                return 0;
            }
        }

        if (_dtmfToPbx is { IsActive: true })
        {
            return PullDtmf(destination);
        }

        var frame = _pcm.AsSpan(_pcmStart, _frameSamples);
        var payloadLength = PbxPayloadCodec.Encode(_options.Format, frame, destination[RtpPacket.FixedHeaderLength..]);
        _pcmStart += _frameSamples;
        var header = _stream.NextHeader(_pbxPayloadType, marker: !_started || _talkspurtStart);
        _started = true;
        _talkspurtStart = false;
        RtpPacketWriter.WriteHeader(destination, header);
        _stream.AdvanceTimestamp(_frameSamples);
        var length = RtpPacket.FixedHeaderLength + payloadLength;
        Statistics.OnPacketSent(length);
        return length;
    }

    /// <summary>The next completed DTMF digit, once per key press (on its end).</summary>
    public bool TryTakeDtmf(out DtmfDigitEvent digit)
    {
        if (_dtmfCount == 0)
        {
            digit = default;
            return false;
        }

        digit = _pendingDtmf[_dtmfHead];
        _dtmfHead = (_dtmfHead + 1) % PendingDtmfCapacity;
        _dtmfCount--;
        return true;
    }

    public void Dispose() => _decoder.Dispose();

    // One tick of a digit: the frame's audio is consumed (the media clock runs on, RFC 4733 §2.5.1.2) and an event
    // packet with the press's start timestamp goes out in its place. Audio after the digit starts a talkspurt.
    private int PullDtmf(Span<byte> destination)
    {
        _pcmStart += _frameSamples;
        _dtmfToPbx!.TryNext(destination[RtpPacket.FixedHeaderLength..], out var marker, out var timestamp);
        RtpPacketWriter.WriteHeader(destination, _stream.NextHeader((byte)_options.PbxTelephoneEventPayloadType, marker, timestamp));
        _stream.AdvanceTimestamp(_frameSamples);
        _started = true;
        _talkspurtStart = !_dtmfToPbx.IsActive;
        var length = RtpPacket.FixedHeaderLength + TelephoneEventPayload.Length;
        Statistics.OnPacketSent(length);
        return length;
    }

    // Adds at least one chunk of PCM to the FIFO; false when nothing should be played yet (start of call).
    private bool Refill()
    {
        CompactPcm();
        var space = _pcm.AsSpan(_pcmEnd);
        var outcome = _jitterBuffer.Dequeue(out var packet);
        int produced;
        switch (outcome)
        {
            case JitterBufferOutcome.Packet when packet.PayloadType == _options.OpusPayloadType && packet.Payload.IsEmpty:
                produced = 0;
                break;
            case JitterBufferOutcome.Packet when packet.PayloadType == _options.OpusPayloadType:
                produced = _decoder.Decode(packet.Payload, space);
                if (produced > 0)
                {
                    _lastPacketSamples = produced;
                }
                else
                {
                    Statistics.OnPacketDiscarded();
                    produced = Conceal(space);
                }

                break;
            case JitterBufferOutcome.Packet:
                // A telephone-event placeholder: the browser sent a digit instead of audio for this slot.
                produced = Silence(space);
                break;
            case JitterBufferOutcome.Missing:
                produced = RecoverLost(space);
                break;
            case JitterBufferOutcome.Underrun:
                produced = Conceal(space);
                break;
            default:
                if (!_started)
                {
                    return false;
                }

                produced = Silence(space);
                break;
        }

        _pcmEnd += produced;
        return true;
    }

    private int RecoverLost(Span<short> space)
    {
        if (_jitterBuffer.TryPeekNext(out var next) && next.PayloadType == _options.OpusPayloadType)
        {
            var recovered = _decoder.DecodeFec(next.Payload, space, _lastPacketSamples);
            if (recovered > 0)
            {
                Statistics.OnFrameRecoveredByFec();
                return recovered;
            }
        }

        return Conceal(space);
    }

    private int Conceal(Span<short> space)
    {
        var concealed = _decoder.Conceal(space, _lastPacketSamples);
        if (concealed > 0)
        {
            Statistics.OnFrameConcealed();
            return concealed;
        }

        return Silence(space);
    }

    private int Silence(Span<short> space)
    {
        space[.._frameSamples].Clear();
        return _frameSamples;
    }

    private void CompactPcm()
    {
        if (_pcmStart == 0)
        {
            return;
        }

        var remaining = _pcmEnd - _pcmStart;
        Array.Copy(_pcm, _pcmStart, _pcm, 0, remaining);
        _pcmStart = 0;
        _pcmEnd = remaining;
    }

    private void EnqueueDtmf(DtmfDigitEvent digit)
    {
        Statistics.OnDtmfDigit();
        if (_dtmfCount == PendingDtmfCapacity)
        {
            // Nobody is taking digits: keep the newest, as a user would expect from a keypad.
            _dtmfHead = (_dtmfHead + 1) % PendingDtmfCapacity;
            _dtmfCount--;
        }

        _pendingDtmf[(_dtmfHead + _dtmfCount) % PendingDtmfCapacity] = digit;
        _dtmfCount++;
    }
}
