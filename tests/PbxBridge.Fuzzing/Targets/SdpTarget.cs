using System.Net;
using System.Text;
using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.Sip.Sdp;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Sdp;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// The answerer for a browser's offer, as WebRtcEndpoint.AcceptOffer runs it: RemoteAudioDescription.TryRead, then
/// SdpAnswerer.CreateAnswer. Rules: a refusal carries a reason (it becomes the 488's Warning); an accepted offer
/// has RTP payload types in 0..127 (the media pipelines refuse anything else later, on another thread); our
/// answer reads back as a valid description with the same opus payload type.
/// </summary>
public sealed class SdpTarget : FuzzTarget
{
    private static readonly IPAddress PublicAddress = IPAddress.Parse("203.0.113.10");
    private readonly IceCredentials _ice = new("fUzZ", "fuzzfuzzfuzzfuzzfuzzfuzz");
    private readonly DtlsFingerprint _fingerprint = DtlsFingerprint.Of("sha-256", Encoding.ASCII.GetBytes("not a certificate, only hashed"));

    public override string Name => "sdp";

    public override string Description => "RemoteAudioDescription.TryRead + SdpAnswerer.CreateAnswer (the browser offer's answerer)";

    public override IReadOnlyList<byte[]> Seeds => SdpSeeds.All;

    public override bool IsText => true;

    public override IReadOnlyList<byte[]> Tokens => SdpSeeds.Tokens;

    public override FuzzVerdict Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        if (!RemoteAudioDescription.TryRead(text, out var offer, out var reason))
        {
            if (string.IsNullOrWhiteSpace(reason))
            {
                throw new FuzzInvariantException("an offer was refused without a reason");
            }

            return FuzzVerdict.Rejected;
        }

        if (offer.OpusPayloadType is < 0 or > 127 || offer.TelephoneEventPayloadType is < 0 or > 127)
        {
            throw new FuzzInvariantException($"accepted an RTP payload type outside 0..127 (opus {offer.OpusPayloadType}, telephone-event {offer.TelephoneEventPayloadType})");
        }

        IReadOnlyList<(int, int)> telephoneEvents = offer.TelephoneEventPayloadType is { } pt ? [(pt, offer.TelephoneEventClockRate!.Value)] : [];
        var local = new LocalAudioDescription(
            PublicAddress, 40000, _ice, _fingerprint, SdpAnswerer.AnswerSetup(offer.Setup), offer.OpusPayloadType, telephoneEvents,
            SdpDirection.Answer(offer.Direction), offer.Mid, 0x5EED, "fuzz-cname", 1, 1);
        var answer = SdpAnswerer.CreateAnswer(offer, local).ToString();
        if (!RemoteAudioDescription.TryRead(answer, out var readBack, out var why))
        {
            throw new FuzzInvariantException($"our answer does not read back ({why}):\n{answer}");
        }

        if (readBack.OpusPayloadType != offer.OpusPayloadType)
        {
            throw new FuzzInvariantException($"our answer names opus {readBack.OpusPayloadType}, the offer {offer.OpusPayloadType}");
        }

        return FuzzVerdict.Accepted;
    }
}
