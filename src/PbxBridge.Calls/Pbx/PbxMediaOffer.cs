using System.Net;

namespace PbxBridge.Calls.Pbx;

/// <summary>
/// PbxBridge's side of the plain RTP between PbxBridge and the PBX: the local UDP address the PBX must send to
/// (ARI externalMedia external_host, the c=/m= lines of the SIP leg to FreeSWITCH) and the codec wanted.
/// </summary>
public sealed record PbxMediaOffer(IPEndPoint LocalRtp, PbxCodec Codec);
