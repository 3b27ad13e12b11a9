using System.Diagnostics;
using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.Media;
using PbxBridge.Media.Rtp;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// Browser -> PBX after SRTP: RtpPacket.TryParse, then BrowserToPbxPipeline.Push (jitter buffer, RFC 4733 detector)
/// and one Pull per input, as the 20 ms pacer would (libopus decodes whatever payload survived, PLC and FEC
/// included). The verdict is the pipeline's own discard counter, and the rule is that every packet RtpPacket
/// refuses moves it (that counter is the call's discarded-packet figure in /metrics).
/// </summary>
public sealed class BrowserRtpTarget : FuzzTarget
{
    private static readonly long TwentyMs = Stopwatch.Frequency / 50;
    private readonly BrowserToPbxPipeline _pipeline = new(new BrowserToPbxOptions(
        MediaSeeds.OpusPayloadType, MediaSeeds.TelephoneEventPayloadType, 8000, PbxPayloadFormat.Pcmu, 0x5EED));

    private readonly byte[] _toPbx = new byte[1500];
    private long _now = Stopwatch.GetTimestamp();

    public override string Name => "rtp";

    public override string Description => "RtpPacket.TryParse + BrowserToPbxPipeline.Push/Pull (jitter buffer, DTMF, libopus decode)";

    public override int MaxInputLength => DatagramMaxLength;

    public override IReadOnlyList<byte[]> Seeds => MediaSeeds.BrowserRtp;

    public override LengthFieldLocator? LengthFields => MediaSeeds.RtpLengthFields;

    public override FuzzVerdict Run(byte[] input)
    {
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
