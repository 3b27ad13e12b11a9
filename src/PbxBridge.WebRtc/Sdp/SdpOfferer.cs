using PbxBridge.Sip.Sdp;

namespace PbxBridge.WebRtc.Sdp;

/// <summary>
/// JSEP offer (RFC 8829 §5.2) for calls toward the browser: one bundled audio section, setup actpass, opus 111,
/// telephone-event at 48 kHz (110) and 8 kHz (126) as Chromium numbers them.
/// </summary>
public static class SdpOfferer
{
    public const int OpusPayloadType = 111;
    public const int TelephoneEvent48PayloadType = 110;
    public const int TelephoneEvent8PayloadType = 126;
    public const string Mid = "0";

    public static IReadOnlyList<(int PayloadType, int ClockRate)> OfferedTelephoneEvents { get; } =
        [(TelephoneEvent48PayloadType, 48000), (TelephoneEvent8PayloadType, 8000)];

    public static SessionDescription CreateOffer(LocalAudioDescription local)
    {
        ArgumentNullException.ThrowIfNull(local);
        var offer = local.CreateSession(bundle: true);
        offer.Media.Add(local.CreateAudioSection());
        return offer;
    }
}
