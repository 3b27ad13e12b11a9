using PbxBridge.Sip.Sdp;

namespace PbxBridge.WebRtc.Sdp;

/// <summary>
/// JSEP answer (RFC 8829 §5.3) for a browser's offer: every m= line is answered in place, the first audio section
/// with our single audio stream, anything else rejected with port 0; BUNDLE kept on the audio mid.
/// </summary>
public static class SdpAnswerer
{
    /// <summary>RFC 5763 §5: answer actpass with passive, so the browser is DTLS client and we serve.</summary>
    public static DtlsSetup AnswerSetup(DtlsSetup offered) => offered switch
    {
        DtlsSetup.Passive => DtlsSetup.Active,
        _ => DtlsSetup.Passive,
    };

    public static SessionDescription CreateAnswer(RemoteAudioDescription offer, LocalAudioDescription local)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(local);
        var answer = local.CreateSession(offer.IsBundled);
        for (var i = 0; i < offer.Session.Media.Count; i++)
        {
            if (i == offer.AudioIndex)
            {
                answer.Media.Add(local.CreateAudioSection());
                continue;
            }

            var rejected = offer.Session.Media[i];
            var section = new MediaDescription(rejected.Media, 0, rejected.Protocol, rejected.Formats);
            if (rejected.GetAttribute("mid") is { } mid)
            {
                section.Add("mid", mid);
            }

            section.Add("inactive");
            answer.Media.Add(section);
        }

        return answer;
    }
}
