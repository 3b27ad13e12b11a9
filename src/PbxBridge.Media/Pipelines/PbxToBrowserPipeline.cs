using PbxBridge.Media.Dtmf;
using PbxBridge.Media.Opus;
using PbxBridge.Media.Rtp;
using PbxBridge.Media.Statistics;

namespace PbxBridge.Media;

/// <summary>
/// PBX -> browser for one call: each PCMU / PCMA / slin16 packet from the PBX becomes one Opus packet, encoded at
/// the PBX's own rate (no resampler) and stamped on the 48 kHz RTP clock that RFC 7587 mandates for Opus, with our
/// SSRC and continuous sequence/timestamp. RFC 4733 digits reported by the PBX are sent on the same SSRC and
/// sequence space; while a digit plays, audio is held back (the timestamp still advances), as RFC 4733 §2.5.1.2
/// suggests for a sender that cannot mix both. Events the PBX sends in its own RTP (its telephone-event payload type)
/// are relayed the same way (<see cref="TelephoneEventRelay"/>). Preallocated; Process/PullDtmfPacket allocate nothing.
/// </summary>
public sealed class PbxToBrowserPipeline : IDisposable
{
    private const int OpusRtpClockRate = 48000;
    private const int DtxFrameMaxBytes = 2;

    private readonly PbxToBrowserOptions _options;
    private readonly OpusEncoder _encoder;
    private readonly RtpOutboundStream _stream;
    private readonly TelephoneEventGenerator? _dtmfGenerator;
    private readonly TelephoneEventRelay? _dtmfRelay;
    private readonly int _pbxEventPayloadType;
    private readonly byte _expectedPayloadType;
    private readonly int _sampleRate;
    private readonly short[] _pcm;
    private bool _nextIsTalkspurtStart = true;
    private bool _receivedAny;
    private ushort _highestPbxSequence;
    private InterarrivalJitter _pbxJitter;

    public PbxToBrowserPipeline(PbxToBrowserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        PipelineOptionsValidation.Validate(options.OpusPayloadType, options.TelephoneEventPayloadType, options.TelephoneEventClockRate, options.Format);
        _options = options;
        _sampleRate = PbxPayloadCodec.SampleRate(options.Format);
        _encoder = new OpusEncoder(new OpusEncoderSettings(
            _sampleRate, options.OpusComplexity, options.OpusBitrate, options.OpusInbandFec, options.OpusDtx));
        _expectedPayloadType = PbxPayloadCodec.PayloadType(options.Format);
        _pcm = new short[_sampleRate * 60 / 1000];
        _pbxJitter = new InterarrivalJitter(_sampleRate);
        _stream = new RtpOutboundStream(options.BrowserSsrc);
        if (options.TelephoneEventPayloadType >= 0)
        {
            _dtmfGenerator = new TelephoneEventGenerator(options.TelephoneEventClockRate);
        }

        _pbxEventPayloadType = options.PbxTelephoneEventPayloadType;
        if (_pbxEventPayloadType >= 0 && options.TelephoneEventPayloadType >= 0)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(_pbxEventPayloadType, 127, nameof(options));
            _dtmfRelay = new TelephoneEventRelay(options.PbxTelephoneEventClockRate, options.TelephoneEventClockRate);
        }

        Statistics = new MediaDirectionStatistics();
    }

    public MediaDirectionStatistics Statistics { get; }

    /// <summary>The Opus encoder's complexity now.</summary>
    public int OpusComplexity => _encoder.Complexity;

    /// <summary>
    /// Holds the encoder at <paramref name="ceiling"/> or below: at most the call's own complexity, lower while the
    /// server sheds load. On the thread that calls <see cref="Process(ReadOnlySpan{byte}, Span{byte})"/>; free when
    /// nothing changes.
    /// </summary>
    public void LimitOpusComplexity(int ceiling) => _encoder.SetComplexity(Math.Clamp(ceiling, 0, _options.OpusComplexity));

    /// <summary>
    /// One RTP packet from the PBX -> one Opus RTP packet in <paramref name="destination"/>. Returns its length, or
    /// 0 when the input is not usable (not RTP, wrong payload type, not 2.5..60 ms of audio), when DTX has nothing to
    /// send, or while a DTMF digit is being sent instead.
    /// </summary>
    public int Process(ReadOnlySpan<byte> pbxRtpPacket, Span<byte> destination) => Process(pbxRtpPacket, destination, arrivalTimestamp: null);

    /// <summary>As <see cref="Process(ReadOnlySpan{byte}, Span{byte})"/>, also measuring the PBX stream's RFC 3550 jitter from the arrival time (Stopwatch ticks).</summary>
    public int Process(ReadOnlySpan<byte> pbxRtpPacket, Span<byte> destination, long? arrivalTimestamp)
    {
        Statistics.OnPacketReceived(pbxRtpPacket.Length);
        if (!RtpPacket.TryParse(pbxRtpPacket, out var packet))
        {
            Statistics.OnPacketDiscarded();
            return 0;
        }

        if (packet.PayloadType == _pbxEventPayloadType)
        {
            return RelayEvent(packet, destination);
        }

        if (packet.PayloadType != _expectedPayloadType)
        {
            Statistics.OnPacketDiscarded();
            return 0;
        }

        if (arrivalTimestamp is { } arrival)
        {
            _pbxJitter.Update(packet.Timestamp, arrival);
            Statistics.SetJitter(_pbxJitter.Milliseconds);
        }

        var samples = PbxPayloadCodec.Decode(_options.Format, packet.Payload, _pcm);
        if (!IsOpusFrameSize(samples) || destination.Length <= RtpPacket.FixedHeaderLength)
        {
            Statistics.OnPacketDiscarded();
            return 0;
        }

        CountLoss(packet.SequenceNumber);
        var rtpUnits = samples * (OpusRtpClockRate / _sampleRate);
        if (IsSendingDtmf)
        {
            _stream.AdvanceTimestamp(rtpUnits);
            return 0;
        }

        var encoded = _encoder.Encode(_pcm.AsSpan(0, samples), destination[RtpPacket.FixedHeaderLength..]);
        if (encoded < 0)
        {
            Statistics.OnPacketDiscarded();
            _stream.AdvanceTimestamp(rtpUnits);
            return 0;
        }

        if (_options.OpusDtx && encoded <= DtxFrameMaxBytes)
        {
            // Silence under DTX: nothing goes out and the next real frame starts a talkspurt (marker bit).
            _nextIsTalkspurtStart = true;
            _stream.AdvanceTimestamp(rtpUnits);
            return 0;
        }

        var header = _stream.NextHeader((byte)_options.OpusPayloadType, _nextIsTalkspurtStart);
        _nextIsTalkspurtStart = false;
        RtpPacketWriter.WriteHeader(destination, header);
        _stream.AdvanceTimestamp(rtpUnits);
        var length = RtpPacket.FixedHeaderLength + encoded;
        Statistics.OnPacketSent(length);
        return length;
    }

    /// <summary>True while a digit's event packets are going out instead of audio.</summary>
    public bool IsSendingDtmf => _dtmfGenerator is { IsActive: true } || _dtmfRelay is { IsActive: true };

    /// <summary>Starts the RFC 4733 packet train for a digit the PBX reported; then call <see cref="PullDtmfPacket"/> every 20 ms.</summary>
    public void StartDtmf(char digit, TimeSpan duration)
    {
        if (_dtmfGenerator is null)
        {
            throw new InvalidOperationException("The browser did not negotiate telephone-event; DTMF cannot be sent in band.");
        }

        _dtmfGenerator.Start(digit, duration, _stream.Timestamp);
    }

    /// <summary>Writes the next telephone-event packet; 0 when the digit is complete (or none is playing).</summary>
    public int PullDtmfPacket(Span<byte> destination)
    {
        if (_dtmfGenerator is not { IsActive: true } || destination.Length < RtpPacket.FixedHeaderLength + TelephoneEventPayload.Length)
        {
            return 0;
        }

        if (!_dtmfGenerator.TryNext(destination[RtpPacket.FixedHeaderLength..], out var marker, out var timestamp))
        {
            return 0;
        }

        RtpPacketWriter.WriteHeader(destination, _stream.NextHeader((byte)_options.TelephoneEventPayloadType, marker, timestamp));
        if (!_dtmfGenerator.IsActive)
        {
            _nextIsTalkspurtStart = true;
        }

        var length = RtpPacket.FixedHeaderLength + TelephoneEventPayload.Length;
        Statistics.OnPacketSent(length);
        return length;
    }

    public void Dispose() => _encoder.Dispose();

    /// <summary>One telephone-event packet of the PBX -> the same event on our stream, or 0 when it is dropped.</summary>
    private int RelayEvent(in RtpPacket packet, Span<byte> destination)
    {
        // The PBX's events share its audio's sequence space (one SSRC): a gap they leave is no loss.
        CountLoss(packet.SequenceNumber);
        if (_dtmfRelay is null || _dtmfGenerator is { IsActive: true } || destination.Length < RtpPacket.FixedHeaderLength + TelephoneEventPayload.Length
            || !_dtmfRelay.TryRelay(packet.Timestamp, packet.Payload, _stream.Timestamp, destination[RtpPacket.FixedHeaderLength..], out var marker, out var timestamp, out var duration))
        {
            Statistics.OnPacketDiscarded();
            return 0;
        }

        RtpPacketWriter.WriteHeader(destination, _stream.NextHeader((byte)_options.TelephoneEventPayloadType, marker, timestamp));
        if (!_dtmfRelay.IsActive)
        {
            // Ended: audio resumes as a new talkspurt, not before the event's end even if the PBX sent no audio
            // meanwhile (FreeSWITCH pauses it while it sends an event).
            _nextIsTalkspurtStart = true;
            var end = timestamp + (uint)(duration * (OpusRtpClockRate / _options.TelephoneEventClockRate));
            var ahead = (int)(end - _stream.Timestamp);
            if (ahead > 0)
            {
                _stream.AdvanceTimestamp(ahead);
            }
        }

        var length = RtpPacket.FixedHeaderLength + TelephoneEventPayload.Length;
        Statistics.OnPacketSent(length);
        return length;
    }

    private bool IsOpusFrameSize(int samples)
    {
        // 2.5, 5, 10, 20, 40 or 60 ms; in tenths of a millisecond to keep 2.5 exact.
        if (samples <= 0 || samples * 10000 % _sampleRate != 0)
        {
            return false;
        }

        return (samples * 10000 / _sampleRate) is 25 or 50 or 100 or 200 or 400 or 600;
    }

    private void CountLoss(ushort sequenceNumber)
    {
        if (_receivedAny)
        {
            var step = RtpSequence.Distance(_highestPbxSequence, sequenceNumber);
            if (step <= 0)
            {
                return;
            }

            if (step > 1 && step < 3000)
            {
                Statistics.OnPacketsLost(step - 1);
            }
        }

        _receivedAny = true;
        _highestPbxSequence = sequenceNumber;
    }
}
