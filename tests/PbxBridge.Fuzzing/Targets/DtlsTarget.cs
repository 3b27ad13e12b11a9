using System.Buffers.Binary;
using System.Globalization;
using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.WebRtc;
using PbxBridge.WebRtc.Dtls;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// What WebRtcEndpoint does with a datagram whose first byte is 20..63 from a verified address: the record
/// framing check (DtlsRecordLayer.IsWellFormed; a refusal is the leg's DtlsMalformed figure), then delivery to a
/// live DTLS server session (BouncyCastle on its own thread, as in a call). A ClientHello starts a new session, and
/// a session that fails on what it was fed is closed and replaced, as a new call would; BouncyCastle's own
/// exceptions end at that thread's top, and the
/// rule checked here is that nothing escapes the receive side and the process survives it all.
/// </summary>
public sealed class DtlsTarget : FuzzTarget
{
    private static readonly DtlsCertificate Certificate = DtlsCertificate.Generate();
    private static readonly IReadOnlyList<SrtpProtectionProfile> Profiles = [SrtpProtectionProfile.AesCm128HmacSha1_80, SrtpProtectionProfile.AeadAes128Gcm];
    private const byte HandshakeContentType = 22;
    private const byte ClientHelloType = 1;
    private DtlsSrtpSession _server;
    private long _serverStarted = Environment.TickCount64;

    public DtlsTarget()
    {
        Seeds = DtlsSeeds.Record(Certificate);
        _server = NewServer();
    }

    public override string Name => "dtls";

    public override string Description => "DtlsRecordLayer.IsWellFormed + DtlsDatagramTransport.Deliver into a live BouncyCastle server";

    public override int MaxInputLength => DatagramMaxLength;

    public override IReadOnlyList<byte[]> Seeds { get; }

    public override LengthFieldLocator? LengthFields => RecordLengths;

    /// <summary>DTLS server sessions started so far.</summary>
    public int Sessions { get; private set; } = 1;

    public override string Depth => string.Create(CultureInfo.InvariantCulture, $"DTLS server sessions {Sessions:N0}");

    public override FuzzVerdict Run(byte[] input)
    {
        if (!DtlsRecordLayer.IsWellFormed(input))
        {
            return FuzzVerdict.Rejected;
        }

        // A ClientHello opens a new association, as a new call's first datagram would, so a mutated one meets a
        // server that has not seen another; everything else goes to the association in progress. Like the real
        // receive loop, this never waits for BouncyCastle (its queue drops what the thread cannot take), and it
        // starts at most one session per 20 ms: each costs a thread and a seeded SecureRandom.
        var clientHello = input[0] == HandshakeContentType && input.Length > DtlsRecordLayer.HeaderLength &&
            input[DtlsRecordLayer.HeaderLength] == ClientHelloType;
        var now = Environment.TickCount64;
        if (now - _serverStarted >= 20 && (clientHello || _server.State is DtlsState.Failed or DtlsState.Closed))
        {
            _server.Close();
            _server = NewServer();
            _serverStarted = now;
            Sessions++;
        }

        _server.Transport.Deliver(input);
        return FuzzVerdict.Accepted;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _server.Close();
        }
    }

    private static DtlsSrtpSession NewServer()
    {
        var session = new DtlsSrtpSession(true, Certificate, Certificate.Fingerprint, Profiles, TimeSpan.FromSeconds(2), _ => { }, _ => { });
        session.Start(() => { }, _ => { });
        return session;
    }

    /// <summary>Each record's length (RFC 6347 §4.1) and, in handshake records, the message and fragment lengths (§4.2.2).</summary>
    private static void RecordLengths(ReadOnlySpan<byte> data, List<LengthField> fields)
    {
        var offset = 0;
        while (offset + DtlsRecordLayer.HeaderLength <= data.Length)
        {
            fields.Add(new LengthField(offset + 11, 2));
            if (data[offset] == 22 && offset + DtlsRecordLayer.HeaderLength + 12 <= data.Length)
            {
                var handshake = offset + DtlsRecordLayer.HeaderLength;
                fields.Add(new LengthField(handshake + 2, 2));
                fields.Add(new LengthField(handshake + 7, 2));
                fields.Add(new LengthField(handshake + 10, 2));
            }

            offset += DtlsRecordLayer.HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 11)..]);
        }
    }
}
