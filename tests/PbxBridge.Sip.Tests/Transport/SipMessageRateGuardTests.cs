using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Tests.Transport;

public sealed class SipMessageRateGuardTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SipMessageRateGuard Guard(int rate = 10, int burst = 20, int graceSeconds = 5) =>
        new(new SipMessageRateLimit(rate, burst, TimeSpan.FromSeconds(graceSeconds)), T0, TimeSpan.FromMinutes(1));

    [Fact]
    public void A_burst_up_to_the_bucket_passes_and_the_next_message_is_refused_until_a_token_refills()
    {
        var guard = Guard(rate: 10, burst: 20);

        var verdicts = Enumerable.Range(0, 21).Select(_ => guard.Admit(T0)).ToList();

        Assert.All(verdicts.Take(20), v => Assert.Equal(SipRateVerdict.Accept, v));
        Assert.Equal(SipRateVerdict.Refuse, verdicts[20]);
        Assert.Equal(1, guard.RetryAfterSeconds(T0));
        Assert.Equal(SipRateVerdict.Refuse, guard.Admit(T0.AddMilliseconds(99)));
        Assert.Equal(SipRateVerdict.Accept, guard.Admit(T0.AddMilliseconds(200)));
    }

    [Fact]
    public void Steady_traffic_at_the_rate_is_never_refused()
    {
        var guard = Guard(rate: 10, burst: 20);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(SipRateVerdict.Accept, guard.Admit(T0.AddMilliseconds(100 * i)));
        }

        Assert.Equal(0, guard.Refused);
    }

    [Fact]
    public void Refusals_are_answered_no_faster_than_the_rate_itself()
    {
        var guard = Guard(rate: 10, burst: 20);
        for (var i = 0; i < 20; i++)
        {
            guard.Admit(T0);
        }

        var verdicts = Enumerable.Range(0, 1000).Select(_ => guard.Admit(T0)).ToList();

        // 20 answers (the answer bucket's burst), the other 980 dropped: a peer that never reads cannot grow our queue.
        Assert.Equal(20, verdicts.Count(v => v == SipRateVerdict.Refuse));
        Assert.Equal(980, verdicts.Count(v => v == SipRateVerdict.RefuseSilently));
        Assert.Equal(1000, guard.Refused);
    }

    [Fact]
    public void Flooding_for_the_whole_grace_closes_the_connection()
    {
        var guard = Guard(rate: 10, burst: 20, graceSeconds: 5);
        var now = T0;
        SipRateVerdict verdict;
        do
        {
            // 100 messages a second, ten times the rate.
            verdict = guard.Admit(now);
            now = now.AddMilliseconds(10);
        }
        while (verdict != SipRateVerdict.Close && now < T0.AddSeconds(30));

        Assert.Equal(SipRateVerdict.Close, verdict);
        Assert.InRange(now - T0, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public void Short_bursts_over_the_limit_with_quiet_between_them_never_close()
    {
        var guard = Guard(rate: 10, burst: 20, graceSeconds: 5);

        for (var second = 0; second < 60; second += 3)
        {
            // 30 messages at once every 3 s: 10 refused each time, then quiet long enough to refill.
            for (var i = 0; i < 30; i++)
            {
                Assert.NotEqual(SipRateVerdict.Close, guard.Admit(T0.AddSeconds(second)));
            }
        }

        Assert.Equal(200, guard.Refused);
    }

    [Fact]
    public void A_browsers_busiest_moment_fits_the_default_limit_twice_over()
    {
        var guard = new SipMessageRateGuard(SipMessageRateLimit.Default, T0, TimeSpan.FromMinutes(1));

        // Sign-in (REGISTER, 401, REGISTER), a call (INVITE, 407, ACK, INVITE, ACK after the 200, our re-INVITE's 200
        // and its ACK), a dial-pad mashed into 16 INFO DTMF, the UPDATE session refresh: 25 messages in one instant.
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(SipRateVerdict.Accept, guard.Admit(T0));
        }

        // The same again in the same instant still fits; the next one does not.
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(SipRateVerdict.Accept, guard.Admit(T0));
        }

        Assert.Equal(SipRateVerdict.Refuse, guard.Admit(T0));
    }

    [Fact]
    public void The_log_turn_comes_once_per_window()
    {
        var guard = Guard();

        Assert.True(guard.TakeLogTurn(T0));
        Assert.False(guard.TakeLogTurn(T0.AddSeconds(59)));
        Assert.True(guard.TakeLogTurn(T0.AddSeconds(60)));
    }
}
