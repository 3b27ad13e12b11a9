using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.WebRtc.Tests.Srtp;

/// <summary>
/// An independent implementation: BouncyCastle's own AES, CTR (SIC), HMAC-SHA1 and GCM primitives, driven
/// straight from the RFC text, must produce the very bytes our .NET-primitive SRTP produces.
/// </summary>
public sealed class SrtpBouncyCastleCrossCheckTests
{
    private static readonly byte[] MasterKey = Hex.Parse("00112233445566778899aabbccddeeff");
    private static readonly byte[] MasterSalt = Hex.Parse("a0a1a2a3a4a5a6a7a8a9aaabacad");

    [Theory]
    [InlineData((ushort)0x1234, 0x00000000u)]
    [InlineData((ushort)0xFFFF, 0x00000000u)]
    public void AES_CM_HMAC_SHA1_80_packet_equals_the_BouncyCastle_computation(ushort sequence, uint roc)
    {
        var profile = SrtpProtectionProfile.AesCm128HmacSha1_80;
        using var context = new SrtpContext(profile, MasterKey, MasterSalt);
        var packet = RtpPackets.Build(sequence, 0xCAFEBABE, 0xDEADBEEF, 160);
        var plain = packet.AsSpan(0, 172).ToArray();

        var length = context.Protect(packet, 172);

        var expected = BouncyCastleAesCm(plain, roc);
        Assert.Equal(Hex.Of(expected), Hex.Of(packet.AsSpan(0, length)));
    }

    [Fact]
    public void AEAD_AES_128_GCM_packet_equals_the_BouncyCastle_computation()
    {
        var salt = MasterSalt.AsSpan(0, 12).ToArray();
        using var context = new SrtpContext(SrtpProtectionProfile.AeadAes128Gcm, MasterKey, salt);
        var packet = RtpPackets.Build(4321, 0xCAFEBABE, 0xDEADBEEF, 160);
        var plain = packet.AsSpan(0, 172).ToArray();

        var length = context.Protect(packet, 172);

        var sessionKey = BouncyCastlePrf(MasterKey, salt, 0, 16);
        var sessionSalt = BouncyCastlePrf(MasterKey, salt, 2, 12);
        var nonce = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(2), 0xDEADBEEF);
        BinaryPrimitives.WriteUInt16BigEndian(nonce.AsSpan(10), 4321);
        for (var i = 0; i < 12; i++)
        {
            nonce[i] ^= sessionSalt[i];
        }

        var gcm = new GcmBlockCipher(new AesEngine());
        gcm.Init(true, new AeadParameters(new KeyParameter(sessionKey), 128, nonce, plain.AsSpan(0, 12).ToArray()));
        var output = new byte[160 + 16];
        var written = gcm.ProcessBytes(plain, 12, 160, output, 0);
        gcm.DoFinal(output, written);

        Assert.Equal(Hex.Of(plain.AsSpan(0, 12)) + Hex.Of(output), Hex.Of(packet.AsSpan(0, length)));
    }

    private static byte[] BouncyCastleAesCm(byte[] plain, uint roc)
    {
        var sessionKey = BouncyCastlePrf(MasterKey, MasterSalt, 0, 16);
        var authKey = BouncyCastlePrf(MasterKey, MasterSalt, 1, 20);
        var sessionSalt = BouncyCastlePrf(MasterKey, MasterSalt, 2, 14);
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(plain.AsSpan(2));
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(plain.AsSpan(8));
        var index = ((ulong)roc << 16) | sequence;

        var iv = new byte[16];
        sessionSalt.CopyTo(iv, 0);
        var ssrcBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(ssrcBytes, ssrc);
        for (var i = 0; i < 4; i++)
        {
            iv[4 + i] ^= ssrcBytes[i];
        }

        for (var i = 0; i < 6; i++)
        {
            iv[13 - i] ^= (byte)(index >> (8 * i));
        }

        var ctr = new SicBlockCipher(new AesEngine());
        ctr.Init(true, new ParametersWithIV(new KeyParameter(sessionKey), iv));
        var result = new byte[plain.Length + 10];
        plain.CopyTo(result, 0);
        var block = new byte[16];
        for (var offset = 12; offset < plain.Length; offset += 16)
        {
            var input = new byte[16];
            var n = Math.Min(16, plain.Length - offset);
            Array.Copy(plain, offset, input, 0, n);
            ctr.ProcessBlock(input, 0, block, 0);
            Array.Copy(block, 0, result, offset, n);
        }

        var hmac = new HMac(new Sha1Digest());
        hmac.Init(new KeyParameter(authKey));
        hmac.BlockUpdate(result, 0, plain.Length);
        var rocBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(rocBytes, roc);
        hmac.BlockUpdate(rocBytes, 0, 4);
        var mac = new byte[20];
        hmac.DoFinal(mac, 0);
        Array.Copy(mac, 0, result, plain.Length, 10);
        return result;
    }

    /// <summary>RFC 3711 §4.3.3 with BouncyCastle's AES in CTR mode.</summary>
    private static byte[] BouncyCastlePrf(byte[] masterKey, byte[] masterSalt, byte label, int length)
    {
        var iv = new byte[16];
        masterSalt.CopyTo(iv, 0);
        iv[7] ^= label;
        var ctr = new SicBlockCipher(new AesEngine());
        ctr.Init(true, new ParametersWithIV(new KeyParameter(masterKey), iv));
        var output = new byte[(length + 15) / 16 * 16];
        for (var offset = 0; offset < output.Length; offset += 16)
        {
            ctr.ProcessBlock(new byte[16], 0, output, offset);
        }

        return output.AsSpan(0, length).ToArray();
    }
}
