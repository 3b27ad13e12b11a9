using System.Net;
using System.Security.Cryptography;
using System.Text;
using PbxBridge.WebRtc.Ice;
using PbxBridge.WebRtc.Stun;

namespace PbxBridge.WebRtc.Tests.Ice;

public sealed class IceLiteAgentTests
{
    private static readonly IceCredentials Local = new("locl", "local-password-0123456789");
    private static readonly IceCredentials Remote = new("remo", "remote-password-0123456789");
    private static readonly SocketAddress Browser = new IPEndPoint(IPAddress.Parse("10.1.2.3"), 50000).Serialize();

    private static byte[] Check(string username, string password, bool useCandidate = false, bool controlled = false, bool integrity = true)
    {
        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, RandomNumberGenerator.GetBytes(12));
        writer.AddAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes(username));
        writer.AddUInt32(StunAttributeType.Priority, 1);
        writer.AddUInt64(controlled ? StunAttributeType.IceControlled : StunAttributeType.IceControlling, 42);
        if (useCandidate)
        {
            writer.AddAttribute(StunAttributeType.UseCandidate, []);
        }

        if (integrity)
        {
            writer.AddMessageIntegrity(Encoding.UTF8.GetBytes(password));
        }

        writer.AddFingerprint();
        return buffer.AsSpan(0, writer.Length).ToArray();
    }

    private static int ErrorCodeOf(ReadOnlySpan<byte> response)
    {
        Assert.True(StunMessage.TryParse(response, out var message));
        Assert.Equal(StunClass.ErrorResponse, message.Class);
        Assert.True(message.TryGetAttribute(StunAttributeType.ErrorCode, out var value));
        return (value[2] * 100) + value[3];
    }

    [Fact]
    public void Valid_check_gets_a_success_response_with_our_integrity_and_the_mapped_address()
    {
        var agent = new IceLiteAgent(Local, Remote);
        var response = new byte[512];

        var outcome = agent.HandleRequest(Check("locl:remo", Local.Password), Browser, response, out var length);

        Assert.Equal(IceCheckOutcome.Success, outcome);
        Assert.True(StunMessage.TryParse(response.AsSpan(0, length), out var message));
        Assert.Equal(StunClass.SuccessResponse, message.Class);
        Assert.True(message.VerifyMessageIntegrity(Local.PasswordBytes));
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.TryGetAttribute(StunAttributeType.XorMappedAddress, out var mapped));
        Assert.True(StunAddress.TryReadXored(mapped, message.TransactionId, out var address));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 50000), address.ToEndPoint());
        Assert.True(agent.IsVerified(Browser));
        Assert.Null(agent.NominatedAddress);
    }

    [Fact]
    public void USE_CANDIDATE_nominates_the_source_address()
    {
        var agent = new IceLiteAgent(Local, Remote);

        var outcome = agent.HandleRequest(Check("locl:remo", Local.Password, useCandidate: true), Browser, new byte[512], out _);

        Assert.Equal(IceCheckOutcome.Nominated, outcome);
        Assert.Equal(Browser, agent.NominatedAddress);
    }

    [Fact]
    public void Wrong_integrity_gets_no_response_and_is_counted()
    {
        var agent = new IceLiteAgent(Local, Remote);

        var outcome = agent.HandleRequest(Check("locl:remo", "wrong", useCandidate: true), Browser, new byte[512], out var length);

        Assert.Equal(IceCheckOutcome.BadIntegrity, outcome);
        Assert.Equal(0, length);
        Assert.Equal(1, agent.BadIntegrityCount);
        Assert.False(agent.IsVerified(Browser));
        Assert.Null(agent.NominatedAddress);
    }

    [Fact]
    public void Check_without_integrity_gets_no_answer_and_is_counted()
    {
        var agent = new IceLiteAgent(Local, Remote);

        var outcome = agent.HandleRequest(Check("locl:remo", Local.Password, useCandidate: true, integrity: false), Browser, new byte[512], out var length);

        Assert.Equal(IceCheckOutcome.Unauthenticated, outcome);
        Assert.Equal(0, length);
        Assert.Equal(1, agent.UnauthenticatedCount);
        Assert.False(agent.IsVerified(Browser));
    }

    [Fact]
    public void Check_for_another_ufrag_gets_no_answer_and_is_counted()
    {
        var agent = new IceLiteAgent(Local, Remote);

        var outcome = agent.HandleRequest(Check("othr:remo", Local.Password), Browser, new byte[512], out var length);

        Assert.Equal(IceCheckOutcome.Unauthenticated, outcome);
        Assert.Equal(0, length);
        Assert.Equal(1, agent.UnauthenticatedCount);
    }

    [Fact]
    public void Same_transaction_from_the_same_address_is_answered_again_but_from_another_address_is_a_replay()
    {
        var agent = new IceLiteAgent(Local, Remote);
        var attacker = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40000).Serialize();
        var check = Check("locl:remo", Local.Password, useCandidate: true);
        Assert.Equal(IceCheckOutcome.Nominated, agent.HandleRequest(check, Browser, new byte[512], out _));

        Assert.Equal(IceCheckOutcome.Success, agent.HandleRequest(check, Browser, new byte[512], out var retransmitted));
        Assert.Equal(IceCheckOutcome.Replayed, agent.HandleRequest(check, attacker, new byte[512], out var replayed));

        Assert.True(retransmitted > 0);
        Assert.Equal(0, replayed);
        Assert.Equal(1, agent.ReplayedCount);
        Assert.Equal(Browser, agent.NominatedAddress);
        Assert.False(agent.IsVerified(attacker));
        Assert.Equal(IceCheckOutcome.Nominated, agent.HandleRequest(Check("locl:remo", Local.Password, useCandidate: true), attacker, new byte[512], out _));
    }

    [Fact]
    public void Peer_claiming_the_controlled_role_is_answered_487()
    {
        var agent = new IceLiteAgent(Local, Remote);
        var response = new byte[512];

        agent.HandleRequest(Check("locl:remo", Local.Password, controlled: true), Browser, response, out var length);

        Assert.Equal(487, ErrorCodeOf(response.AsSpan(0, length)));
    }

    [Fact]
    public void After_an_ICE_restart_old_credentials_keep_consent_until_the_first_new_check_verifies()
    {
        var agent = new IceLiteAgent(Local, Remote);
        var fresh = new IceCredentials("newl", "new-local-password-012345");
        agent.Restart(fresh, new IceCredentials("newr", "new-remote-password-01234"));

        // Chromium's consent checks on the old pair, sent while the restart's offer/answer completes (a CI flake).
        Assert.Equal(IceCheckOutcome.Success, agent.HandleRequest(Check("locl:remo", Local.Password), Browser, new byte[512], out _));
        Assert.Equal(IceCheckOutcome.BadIntegrity, agent.HandleRequest(Check("locl:remo", fresh.Password), Browser, new byte[512], out _));
        Assert.Equal(IceCheckOutcome.Success, agent.HandleRequest(Check("newl:newr", fresh.Password), Browser, new byte[512], out _));

        Assert.Equal(IceCheckOutcome.Unauthenticated, agent.HandleRequest(Check("locl:remo", Local.Password), Browser, new byte[512], out _));
        Assert.Equal(IceCheckOutcome.Success, agent.HandleRequest(Check("newl:newr", fresh.Password), Browser, new byte[512], out _));
        Assert.Equal("newl", agent.LocalCredentials.UsernameFragment);
    }
}
