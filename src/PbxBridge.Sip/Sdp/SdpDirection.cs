namespace PbxBridge.Sip.Sdp;

/// <summary>
/// The offer/answer rules for a stream's direction (RFC 3264), one place for both legs: the browser's (JSEP) and the
/// FreeSWITCH leg's (plain RTP/AVP).
/// </summary>
public static class SdpDirection
{
    /// <summary>The attribute's name (RFC 8866 §6.7), "sendrecv" and so on.</summary>
    public static string Attribute(MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        MediaDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    /// <summary>The direction a stream declares: its own attribute, else the session's, else sendrecv (RFC 3264 §5.1).</summary>
    public static MediaDirection Declared(MediaDescription media, SessionDescription session)
    {
        ArgumentNullException.ThrowIfNull(media);
        ArgumentNullException.ThrowIfNull(session);
        foreach (var source in new[] { media.Attributes, session.Attributes })
        {
            foreach (var attribute in source)
            {
                switch (attribute.Name)
                {
                    case "sendrecv": return MediaDirection.SendRecv;
                    case "sendonly": return MediaDirection.SendOnly;
                    case "recvonly": return MediaDirection.RecvOnly;
                    case "inactive": return MediaDirection.Inactive;
                }
            }
        }

        return MediaDirection.SendRecv;
    }

    /// <summary>
    /// Our answer to <paramref name="offered"/> (RFC 3264 §6.1): we send only if the peer receives and receive only if
    /// it sends, so sendonly gets recvonly and inactive gets inactive. While we hold the stream ourselves
    /// (<paramref name="holding"/>, §8.4) we do not receive: sendrecv gets sendonly, sendonly gets inactive.
    /// </summary>
    public static MediaDirection Answer(MediaDirection offered, bool holding = false)
    {
        var weSend = offered is MediaDirection.SendRecv or MediaDirection.RecvOnly;
        var weReceive = !holding && offered is MediaDirection.SendRecv or MediaDirection.SendOnly;
        return (weSend, weReceive) switch
        {
            (true, true) => MediaDirection.SendRecv,
            (true, false) => MediaDirection.SendOnly,
            (false, true) => MediaDirection.RecvOnly,
            _ => MediaDirection.Inactive,
        };
    }
}
