using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.Media.Rtcp;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// RTCP after SRTCP: RtcpCompoundReader.IsWellFormed (the check WebRtcEndpoint counts as RtcpMalformed), then a
/// walk that reads every packet the way a consumer would: SR and RR report blocks, SDES CNAME, BYE sources and
/// reason.
/// </summary>
public sealed class RtcpTarget : FuzzTarget
{
    public override string Name => "rtcp";

    public override string Description => "RtcpCompoundReader + RtcpSenderReport/ReceiverReport/SourceDescription/Goodbye";

    public override int MaxInputLength => DatagramMaxLength;

    public override IReadOnlyList<byte[]> Seeds => MediaSeeds.Rtcp;

    public override LengthFieldLocator? LengthFields => MediaSeeds.RtcpLengthFields;

    public override FuzzVerdict Run(byte[] input)
    {
        var wellFormed = RtcpCompoundReader.IsWellFormed(input);
        _ = RtcpCompoundReader.IsValidCompound(input);
        var reader = new RtcpCompoundReader(input);
        while (reader.TryReadNext(out var packet))
        {
            switch (packet.Type)
            {
                case RtcpPacketType.SenderReport when RtcpSenderReport.TryParse(packet, out var sr):
                    for (var i = 0; i < sr.ReportCount; i++)
                    {
                        _ = sr.GetReportBlock(i);
                    }

                    break;
                case RtcpPacketType.ReceiverReport when RtcpReceiverReport.TryParse(packet, out var rr):
                    for (var i = 0; i < rr.ReportCount; i++)
                    {
                        _ = rr.GetReportBlock(i);
                    }

                    break;
                case RtcpPacketType.SourceDescription:
                    _ = RtcpSourceDescription.TryGetCname(packet, 0x1234ABCD, out _);
                    break;
                case RtcpPacketType.Goodbye when RtcpGoodbye.TryParse(packet, out var bye):
                    for (var i = 0; i < bye.SourceCount; i++)
                    {
                        _ = bye.GetSsrc(i);
                    }

                    _ = bye.Reason.Length;
                    break;
            }
        }

        return wellFormed ? FuzzVerdict.Accepted : FuzzVerdict.Rejected;
    }
}
