using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.Media;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// Browser -> PBX after SRTP: RtpPacket.TryParse, then BrowserToPbxPipeline.Push (jitter buffer, RFC 4733 detector)
/// and one Pull per input, as the 20 ms pacer would (libopus decodes whatever payload survived, PLC and FEC
/// included). The verdict is the pipeline's own discard counter, and the rule is that every packet RtpPacket
/// refuses moves it (that counter is the call's discarded-packet figure in /metrics). Half of the inputs get the
/// stream's next sequence number and timestamp, so the buffer plays them; the target is stateful like a call,
/// and a failure reproduces by running its seed from input 0.
/// </summary>
public sealed class BrowserRtpTarget : FuzzTarget
{
    private static readonly long TwentyMs = Stopwatch.Frequency / 50;
    private readonly BrowserToPbxPipeline _pipeline = new(new BrowserToPbxOptions(
        MediaSeeds.OpusPayloadType, MediaSeeds.TelephoneEventPayloadType, 8000, PbxPayloadFormat.Pcmu, 0x5EED));

    private readonly byte[] _toPbx = new byte[1500];
    private long _now = Stopwatch.GetTimestamp();
    private ushort _nextSequence = 2000;
    private uint _nextTimestamp = 96000;

    public override string Name => "rtp";

    public override string Description => "RtpPacket.TryParse + BrowserToPbxPipeline.Push/Pull (jitter buffer, DTMF, libopus decode)";

    public override int MaxInputLength => DatagramMaxLength;

    public override IReadOnlyList<byte[]> Seeds => MediaSeeds.BrowserRtp;

    public override LengthFieldLocator? LengthFields => MediaSeeds.RtpLengthFields;

    public override string Depth => string.Create(CultureInfo.InvariantCulture,
        $"frames to the PBX {_pipeline.Statistics.PacketsSent:N0}, concealed {_pipeline.Statistics.FramesConcealed:N0}, FEC {_pipeline.Statistics.FramesRecoveredByFec:N0}, DTMF {_pipeline.Statistics.DtmfDigits:N0}");

    public override FuzzVerdict Run(byte[] input)
    {
        if (input.Length >= RtpPacket.FixedHeaderLength && FuzzHash.Of(input) % 2 == 0)
        {
            // Half of the inputs continue the stream (next sequence number and timestamp), so the jitter buffer
            // plays them and libopus decodes their mutated payloads instead of dropping them as late duplicates.
            BinaryPrimitives.WriteUInt16BigEndian(input.AsSpan(2), _nextSequence++);
            BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(4), _nextTimestamp += 960);
        }

        var parses = RtpPacket.TryParse(input, out var packet, out var error);
        if (parses)
        {
            // Every view over the packet stays inside it.
            _ = packet.Payload.Length + packet.ExtensionData.Length + packet.ExtensionProfile;
            for (var i = 0; i < packet.CsrcCount; i++)
            {
                _ = packet.GetCsrc(i);
            }
        }

        var discardedBefore = _pipeline.Statistics.PacketsDiscarded;
        _now += TwentyMs;
        _pipeline.Push(input, _now);
        var discarded = _pipeline.Statistics.PacketsDiscarded != discardedBefore;
        if (!parses && !discarded)
        {
            throw new FuzzInvariantException($"unparseable RTP ({error}) was not counted as discarded");
        }

        _ = _pipeline.Pull(_toPbx, _now);
        while (_pipeline.TryTakeDtmf(out _))
        {
        }

        return discarded ? FuzzVerdict.Rejected : FuzzVerdict.Accepted;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pipeline.Dispose();
        }
    }
}
