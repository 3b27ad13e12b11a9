using PbxBridge.WebRtc.Srtp;

namespace PbxBridge.WebRtc.Tests.Srtp;

public sealed class SrtpContextTests
{
    private static readonly byte[] MasterKey = Hex.Parse("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] MasterSalt14 = Hex.Parse("0EC675AD498AFEEBB6960B3AABE6");
    private static readonly byte[] MasterSalt12 = Hex.Parse("0EC675AD498AFEEBB6960B3A");

    public static TheoryData<string> Profiles => new()
    {
        SrtpProtectionProfile.AesCm128HmacSha1_80.Name,
        SrtpProtectionProfile.AesCm128HmacSha1_32.Name,
        SrtpProtectionProfile.AeadAes128Gcm.Name,
    };

    private static (SrtpContext Sender, SrtpContext Receiver) Pair(string profileName)
    {
        var profile = Profile(profileName);
        var salt = profile.IsAead ? MasterSalt12 : MasterSalt14;
        return (new SrtpContext(profile, MasterKey, salt), new SrtpContext(profile, MasterKey, salt));
    }

    private static SrtpProtectionProfile Profile(string name)
    {
        foreach (var profile in SrtpProtectionProfile.Supported)
        {
            if (profile.Name == name)
            {
                return profile;
            }
        }

        throw new ArgumentException(name);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Protected_packet_round_trips_to_the_original(string profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var packet = RtpPackets.Build(1000, 160, 0x11223344, 160);
            var original = packet.AsSpan(0, 172).ToArray();

            var length = sender.Protect(packet, 172);
            Assert.Equal(172 + sender.Overhead, length);
            Assert.NotEqual(Hex.Of(original.AsSpan(12)), Hex.Of(packet.AsSpan(12, 160)));

            Assert.Equal(SrtpStatus.Ok, receiver.Unprotect(packet.AsSpan(0, length), out var rtpLength));
            Assert.Equal(Hex.Of(original), Hex.Of(packet.AsSpan(0, rtpLength)));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Packet_with_a_wrong_auth_tag_is_dropped_and_counted(string profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var packet = RtpPackets.Build(5, 800, 42, 160);
            var length = sender.Protect(packet, 172);
            packet[length - 1] ^= 0x80;
            var ciphertext = packet.AsSpan(12, 160).ToArray();

            Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.Unprotect(packet.AsSpan(0, length), out _));
            Assert.Equal(1, receiver.AuthenticationFailures);
            if (!Profile(profile).IsAead)
            {
                // AES-CM checks the tag first: a forged packet is never decrypted.
                Assert.Equal(Hex.Of(ciphertext), Hex.Of(packet.AsSpan(12, 160)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Replayed_packet_is_dropped_and_counted(string profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var packet = RtpPackets.Build(7, 800, 42, 40);
            var length = sender.Protect(packet, 52);
            var copy = packet.AsSpan(0, length).ToArray();

            Assert.Equal(SrtpStatus.Ok, receiver.Unprotect(packet.AsSpan(0, length), out _));
            Assert.Equal(SrtpStatus.Replayed, receiver.Unprotect(copy, out _));
            Assert.Equal(1, receiver.ReplayedPackets);
        }
    }

    [Fact]
    public void Reordered_packets_within_the_window_are_accepted_and_too_old_ones_refused()
    {
        var (sender, receiver) = Pair(SrtpProtectionProfile.AesCm128HmacSha1_80.Name);
        using (sender)
        using (receiver)
        {
            var protectedPackets = new List<byte[]>();
            for (ushort seq = 0; seq < 100; seq++)
            {
                var packet = RtpPackets.Build(seq, seq * 160u, 9, 20);
                var length = sender.Protect(packet, 32);
                protectedPackets.Add(packet.AsSpan(0, length).ToArray());
            }

            Assert.Equal(SrtpStatus.Ok, receiver.Unprotect(protectedPackets[99], out _));
            Assert.Equal(SrtpStatus.Ok, receiver.Unprotect(protectedPackets[50], out _));
            Assert.Equal(SrtpStatus.Replayed, receiver.Unprotect(protectedPackets[10], out _));
        }
    }

    [Fact]
    public void Rollover_counter_advances_when_the_sequence_number_wraps()
    {
        var (sender, receiver) = Pair(SrtpProtectionProfile.AesCm128HmacSha1_80.Name);
        using (sender)
        using (receiver)
        {
            foreach (var seq in new ushort[] { 65534, 65535, 0, 1 })
            {
                var packet = RtpPackets.Build(seq, 0, 77, 20);
                var original = packet.AsSpan(0, 32).ToArray();
                var length = sender.Protect(packet, 32);
                Assert.Equal(SrtpStatus.Ok, receiver.Unprotect(packet.AsSpan(0, length), out var rtpLength));
                Assert.Equal(Hex.Of(original), Hex.Of(packet.AsSpan(0, rtpLength)));
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("8000000100000000000000010102030405060708090a")] // header and a tag that cannot verify
    [InlineData("4000000100000000000000010102030405060708090a0b0c")] // version 1
    [InlineData("8f000001000000000000000101020304050607080900")] // 15 CSRCs claimed, not present
    public void Malformed_packets_are_refused_without_throwing(string hex)
    {
        var (sender, receiver) = Pair(SrtpProtectionProfile.AesCm128HmacSha1_80.Name);
        using (sender)
        using (receiver)
        {
            var status = receiver.Unprotect(Hex.Parse(hex), out _);
            Assert.NotEqual(SrtpStatus.Ok, status);
        }
    }

    [Fact]
    public void SRTCP_round_trips_and_rejects_a_wrong_tag_for_every_profile()
    {
        foreach (var profile in SrtpProtectionProfile.Supported)
        {
            var salt = profile.IsAead ? MasterSalt12 : MasterSalt14;
            using var sender = new SrtcpContext(profile, MasterKey, salt);
            using var receiver = new SrtcpContext(profile, MasterKey, salt);
            var rtcp = Hex.Parse("81c90007deadbeef 0000000100000002000000030000000400000005");
            var buffer = new byte[rtcp.Length + sender.Overhead];
            rtcp.CopyTo(buffer, 0);
            var length = sender.Protect(buffer, rtcp.Length);
            var tampered = buffer.AsSpan(0, length).ToArray();
            tampered[10] ^= 1;

            Assert.Equal(SrtpStatus.AuthenticationFailed, receiver.Unprotect(tampered, out _));
            Assert.Equal(SrtpStatus.Ok, receiver.Unprotect(buffer.AsSpan(0, length), out var rtcpLength));
            Assert.Equal(Hex.Of(rtcp), Hex.Of(buffer.AsSpan(0, rtcpLength)));
            Assert.Equal(SrtpStatus.Replayed, receiver.Unprotect(buffer.AsSpan(0, length).ToArray(), out _));
        }
    }
}
