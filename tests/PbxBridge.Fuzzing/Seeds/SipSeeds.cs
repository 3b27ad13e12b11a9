using System.Text;
using PbxBridge.Sip.Tests.Message;

namespace PbxBridge.Fuzzing.Seeds;

/// <summary>
/// SIP seeds: every RFC 4475 torture message (valid and invalid), plus what a browser softphone (JsSIP over WSS,
/// RFC 7118) really sends to PbxBridge: REGISTER, an INVITE carrying Chromium's offer, ACK, BYE, OPTIONS, and a
/// response to one of our INVITEs.
/// </summary>
public static class SipSeeds
{
    public static IReadOnlyList<byte[]> All { get; } = Build();

    public static IReadOnlyList<byte[]> Tokens { get; } = SeedText.Tokens(
        "Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK5614011;rport",
        "v: SIP/2.0/WSS h.invalid;branch=z9hG4bK1;received=127.0.0.1",
        "Content-Length: 0", "l: 4294967296", "Content-Length: -1", "Content-Type: application/sdp", "c: text/plain",
        "CSeq: 1 INVITE", "CSeq: 4294967296 REGISTER", "CSeq: 2 ACK", "Max-Forwards: 70", "Max-Forwards: 0",
        "Call-ID: fuzz@pbxbridge", "i: x", "From: <sip:1001@pbxbridge>;tag=a1", "f: \"\\\"\" <sip:1001@pbxbridge>;tag=",
        "To: <sip:600@pbxbridge>", "t: <sips:[::1]:5061;transport=ws>;tag=b2",
        "Contact: <sip:x8p1@df7jal23ls0d.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance=\"<urn:uuid:1>\";expires=600",
        "m: *", "Expires: 0", "Expires: 4294967295", "Supported: path,gruu,outbound", "Require: 100rel", "Event: refer",
        "Authorization: Digest algorithm=MD5, username=\"1001\", realm=\"pbxbridge\", nonce=\"abc\", uri=\"sip:pbxbridge\", response=\"00000000000000000000000000000000\", qop=auth, cnonce=\"x\", nc=00000001",
        "Authorization: Digest username=\"1001\",,,realm=", "Proxy-Authorization: Digest algorithm=SHA-256",
        "Route: <sip:pbxbridge;lr>", "Record-Route: <sip:a.invalid;lr>,<sip:b.invalid;lr>",
        "INVITE sip:600@pbxbridge SIP/2.0", "SIP/2.0 200 OK", "SIP/2.0 999999 X", "BYE sip:x@y SIP/2.0",
        ";tag=", ";branch=z9hG4bK", ";branch=", "<sip:", "sips:", "%00", "%", "\"", "\\", "@", "[::1]", ":65536", "\t", "\0");

    private static List<byte[]> Build()
    {
        var seeds = new List<byte[]>();
        seeds.AddRange(Rfc4475Messages.Valid.Select(Rfc4475Messages.Wire));
        seeds.AddRange(Rfc4475Messages.InvalidRequests.Select(r => Rfc4475Messages.Wire(r.Name)));
        seeds.AddRange(Rfc4475Messages.InvalidResponses.Select(Rfc4475Messages.Wire));
        seeds.Add(SeedText.Crlf("""
            REGISTER sip:pbxbridge SIP/2.0
            Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK5614011
            Max-Forwards: 69
            To: <sip:1001@pbxbridge>
            From: "Agent 1001" <sip:1001@pbxbridge>;tag=rf8eor6cfv
            Call-ID: 8ovqiiq1ce4lhhv5ac1tu4
            CSeq: 2 REGISTER
            Authorization: Digest algorithm=MD5, username="1001", realm="pbxbridge", nonce="4b1a8b0d1e2f3a4b", uri="sip:pbxbridge", response="a0c2e9b3d6f1a4b7c0d3e6f9a2b5c8d1", qop=auth, cnonce="pmp39qjj4bq2", nc=00000001
            Contact: <sip:x8p1jtvk@df7jal23ls0d.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:6b2e0d7c-7f61-4bf6-9b3e-2a4f1b0e6d11>";expires=600
            Expires: 600
            Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY
            Supported: path,gruu,outbound
            User-Agent: JsSIP 3.10.1
            Content-Length: 0


            """));
        var offer = Encoding.UTF8.GetString(SeedText.Embedded("chromium156-offer.sdp")).Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
        var invite = SeedText.Crlf($"""
            INVITE sip:600@pbxbridge SIP/2.0
            Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK7305284
            Max-Forwards: 69
            To: <sip:600@pbxbridge>
            From: "Agent 1001" <sip:1001@pbxbridge>;tag=0p9b2lq0ao
            Call-ID: utl6s5vcbqj0uo0ks2bh
            CSeq: 9051 INVITE
            Contact: <sip:x8p1jtvk@df7jal23ls0d.invalid;transport=ws;ob>
            Content-Type: application/sdp
            Session-Expires: 90
            Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY
            Supported: timer,ice,replaces,outbound
            User-Agent: JsSIP 3.10.1
            Content-Length: {Encoding.UTF8.GetByteCount(offer)}


            """);
        seeds.Add([.. invite, .. Encoding.UTF8.GetBytes(offer)]);
        seeds.Add(SeedText.Crlf("""
            ACK sip:600@pbxbridge SIP/2.0
            Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK7305285
            Max-Forwards: 69
            To: <sip:600@pbxbridge>;tag=pbx-1
            From: "Agent 1001" <sip:1001@pbxbridge>;tag=0p9b2lq0ao
            Call-ID: utl6s5vcbqj0uo0ks2bh
            CSeq: 9051 ACK
            Content-Length: 0


            """));
        seeds.Add(SeedText.Crlf("""
            BYE sip:pbxbridge;transport=ws SIP/2.0
            Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK1922131
            Max-Forwards: 69
            To: <sip:600@pbxbridge>;tag=pbx-1
            From: "Agent 1001" <sip:1001@pbxbridge>;tag=0p9b2lq0ao
            Call-ID: utl6s5vcbqj0uo0ks2bh
            CSeq: 9052 BYE
            Content-Length: 0


            """));
        seeds.Add(SeedText.Crlf("""
            OPTIONS sip:pbxbridge SIP/2.0
            Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK9090
            Max-Forwards: 70
            To: <sip:pbxbridge>
            From: <sip:1001@pbxbridge>;tag=op1
            Call-ID: options-1
            CSeq: 1 OPTIONS
            Accept: application/sdp
            Content-Length: 0


            """));
        seeds.Add(SeedText.Crlf("""
            SIP/2.0 180 Ringing
            Via: SIP/2.0/WSS pbxbridge.invalid;branch=z9hG4bKpbx1
            To: <sip:1001@pbxbridge>;tag=agent-1
            From: <sip:+15551234@pbxbridge>;tag=pbx-2
            Call-ID: pbx-call-1
            CSeq: 1 INVITE
            Contact: <sip:x8p1jtvk@df7jal23ls0d.invalid;transport=ws>
            Content-Length: 0


            """));
        return seeds;
    }
}
