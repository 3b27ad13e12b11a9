using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.Media;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// PBX -> browser: what the PBX-side socket's receive loop does with each datagram from the PBX's address,
/// PbxToBrowserPipeline.Process (RTP parse, payload type and frame size checks, G.711 decode, Opus encode).
/// Rule: a datagram that yields no packet toward the browser was counted as discarded.
/// </summary>
public sealed class PbxRtpTarget : FuzzTarget
{
    private readonly PbxToBrowserPipeline _pipeline = new(new PbxToBrowserOptions(
        MediaSeeds.OpusPayloadType, MediaSeeds.TelephoneEventPayloadType, 8000, PbxPayloadFormat.Pcmu, 0x5EED, 5, 24000, true, false));

    private readonly byte[] _toBrowser = new byte[1500];

    public override string Name => "pbx-rtp";

    public override string Description => "PbxToBrowserPipeline.Process (RTP parse, G.711 decode, Opus encode)";

    public override int MaxInputLength => DatagramMaxLength;

    public override IReadOnlyList<byte[]> Seeds => MediaSeeds.PbxRtp;

    public override LengthFieldLocator? LengthFields => MediaSeeds.RtpLengthFields;

    public override long? CountedRejections => _pipeline.Statistics.PacketsDiscarded;

    public override FuzzVerdict Run(byte[] input) =>
        _pipeline.Process(input, _toBrowser) > 0 ? FuzzVerdict.Accepted : FuzzVerdict.Rejected;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _pipeline.Dispose();
        }
    }
}
