using System.Net;

namespace PbxBridge.Calls.Pbx;

/// <summary>
/// The PBX's side of the plain RTP for one leg, as it announced it: where its RTP comes from and goes to (Asterisk:
/// UNICASTRTP_LOCAL_ADDRESS/PORT; FreeSWITCH: its SDP; demo: its socket), the codec, and the telephone-event payload
/// type when the leg negotiated RFC 4733 (FreeSWITCH's SIP leg does; ARI externalMedia has no SDP, so Asterisk gets
/// digits through ARI instead).
/// </summary>
public sealed record PbxMediaAnswer(IPEndPoint RemoteRtp, PbxCodec Codec, int? TelephoneEventPayloadType = null);
