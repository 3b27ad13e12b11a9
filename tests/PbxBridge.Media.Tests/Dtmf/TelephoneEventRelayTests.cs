using PbxBridge.Media.Dtmf;

namespace PbxBridge.Media.Tests.Dtmf;

public sealed class TelephoneEventRelayTests
{
    private readonly byte[] _out = new byte[TelephoneEventPayload.Length];

    [Fact]
    public void A_new_event_starts_at_our_stream_position_with_the_marker_and_keeps_that_timestamp()
    {
        var relay = new TelephoneEventRelay(8000, 48000);

        Assert.True(relay.TryRelay(5000, Event(5, end: false, 160), 900_000, _out, out var marker, out var timestamp, out var duration));
        Assert.True(marker);
        Assert.Equal(900_000u, timestamp);
        Assert.Equal(960, duration);
        Assert.True(relay.IsActive);

        Assert.True(relay.TryRelay(5000, Event(5, end: false, 320), 999_999, _out, out marker, out timestamp, out _));
        Assert.False(marker);
        Assert.Equal(900_000u, timestamp);
    }

    [Theory]
    [InlineData(48000, 4800)]
    [InlineData(8000, 800)]
    public void Durations_are_rescaled_to_the_browser_clock_and_the_end_bit_passes(int clockRate, int expected)
    {
        var relay = new TelephoneEventRelay(8000, clockRate);
        relay.TryRelay(7, Event(11, end: false, 160), 0, _out, out _, out _, out _);

        Assert.True(relay.TryRelay(7, Event(11, end: true, 800), 0, _out, out _, out _, out var duration));

        Assert.Equal(expected, duration);
        Assert.True(TelephoneEventPayload.TryRead(_out, out var written));
        Assert.Equal(new TelephoneEventPayload(11, true, 13, (ushort)expected), written);
        Assert.False(relay.IsActive);
    }

    [Fact]
    public void End_retransmissions_are_relayed_but_a_late_update_after_the_end_is_dropped()
    {
        var relay = new TelephoneEventRelay(8000, 48000);
        relay.TryRelay(7, Event(1, end: false, 160), 0, _out, out _, out _, out _);
        relay.TryRelay(7, Event(1, end: true, 320), 0, _out, out _, out _, out _);

        Assert.True(relay.TryRelay(7, Event(1, end: true, 320), 0, _out, out var marker, out _, out _));
        Assert.False(marker);
        Assert.False(relay.TryRelay(7, Event(1, end: false, 160), 0, _out, out _, out _, out _));
        Assert.False(relay.IsActive);
    }

    [Fact]
    public void An_event_whose_end_was_lost_gives_way_to_the_next_one()
    {
        var relay = new TelephoneEventRelay(8000, 48000);
        relay.TryRelay(7, Event(1, end: false, 160), 100, _out, out _, out _, out _);

        Assert.True(relay.TryRelay(2007, Event(2, end: false, 160), 6100, _out, out var marker, out var timestamp, out _));

        Assert.True(marker);
        Assert.Equal(6100u, timestamp);
    }

    [Fact]
    public void Long_events_are_capped_at_the_16_bit_duration_field()
    {
        var relay = new TelephoneEventRelay(8000, 48000);

        relay.TryRelay(7, Event(1, end: false, 16000), 0, _out, out _, out _, out var duration);

        Assert.Equal(ushort.MaxValue, duration);
    }

    [Theory]
    [InlineData(16)] // flash: browsers offer 0-15 only
    [InlineData(200)]
    public void Non_dtmf_events_and_short_payloads_are_dropped(byte code)
    {
        var relay = new TelephoneEventRelay(8000, 48000);

        Assert.False(relay.TryRelay(7, Event(code, end: false, 160), 0, _out, out _, out _, out _));
        Assert.False(relay.TryRelay(7, new byte[3], 0, _out, out _, out _, out _));
        Assert.False(relay.IsActive);
    }

    private static byte[] Event(byte code, bool end, ushort duration)
    {
        var payload = new byte[TelephoneEventPayload.Length];
        new TelephoneEventPayload(code, end, 13, duration).Write(payload);
        return payload;
    }
}
