using PbxBridge.Media.Dtmf;

namespace PbxBridge.Media.Tests.Dtmf;

public sealed class TelephoneEventTests
{
    [Fact]
    public void Payload_round_trips_with_the_RFC_4733_bit_layout()
    {
        var bytes = new byte[4];
        new TelephoneEventPayload(11, End: true, Volume: 10, Duration: 0x0320).Write(bytes);
        Assert.Equal(new byte[] { 11, 0x8A, 0x03, 0x20 }, bytes);
        Assert.True(TelephoneEventPayload.TryRead(bytes, out var value));
        Assert.Equal(new TelephoneEventPayload(11, true, 10, 800), value);
        Assert.False(TelephoneEventPayload.TryRead(bytes.AsSpan(0, 3), out _));
    }

    [Theory]
    [InlineData(0, '0')]
    [InlineData(9, '9')]
    [InlineData(10, '*')]
    [InlineData(11, '#')]
    [InlineData(15, 'D')]
    public void Event_codes_map_to_keys(byte code, char digit)
    {
        Assert.True(DtmfEventCodes.TryGetDigit(code, out var key));
        Assert.Equal(digit, key);
        Assert.True(DtmfEventCodes.TryGetEventCode(digit, out var back));
        Assert.Equal(code, back);
    }

    [Fact]
    public void Flash_and_unknown_keys_are_not_digits()
    {
        Assert.False(DtmfEventCodes.TryGetDigit(16, out _));
        Assert.False(DtmfEventCodes.TryGetEventCode('x', out _));
    }

    [Fact]
    public void Generated_press_is_detected_once_with_its_duration()
    {
        var generator = new TelephoneEventGenerator(48000);
        var detector = new TelephoneEventDetector(48000);
        generator.Start('5', TimeSpan.FromMilliseconds(200), timestamp: 123456);
        var payload = new byte[4];
        var detections = new List<TelephoneEventDetection>();
        var digits = new List<DtmfDigitEvent>();
        var markers = 0;
        var packets = 0;
        while (generator.TryNext(payload, out var marker, out var timestamp))
        {
            packets++;
            markers += marker ? 1 : 0;
            Assert.Equal(123456u, timestamp);
            detections.Add(detector.Process(timestamp, payload, out var digit));
            if (detections[^1] == TelephoneEventDetection.Ended)
            {
                digits.Add(digit);
            }
        }

        // 20, 40, ... 180 ms in progress, then 200 ms with the End bit three times.
        Assert.Equal(9 + 3, packets);
        Assert.Equal(1, markers);
        Assert.Equal(TelephoneEventDetection.Began, detections[0]);
        Assert.Equal(new DtmfDigitEvent('5', TimeSpan.FromMilliseconds(200)), Assert.Single(digits));
    }

    [Fact]
    public void Press_whose_end_packets_were_all_lost_ends_when_the_next_begins()
    {
        var detector = new TelephoneEventDetector(8000);
        Assert.Equal(TelephoneEventDetection.Began, detector.Process(1000, Event(1, false, 400), out _));
        Assert.Equal(TelephoneEventDetection.None, detector.Process(1000, Event(1, false, 800), out _));
        Assert.Equal(TelephoneEventDetection.Ended, detector.Process(5000, Event(2, false, 160), out var first));
        Assert.Equal(new DtmfDigitEvent('1', TimeSpan.FromMilliseconds(100)), first);
        Assert.Equal(TelephoneEventDetection.Ended, detector.Process(5000, Event(2, true, 800), out var second));
        Assert.Equal('2', second.Digit);
    }

    [Fact]
    public void Long_press_split_into_segments_is_one_digit()
    {
        var detector = new TelephoneEventDetector(8000);
        Assert.Equal(TelephoneEventDetection.Began, detector.Process(0, Event(3, false, 0xFFFF), out _));
        Assert.Equal(TelephoneEventDetection.None, detector.Process(0xFFFF, Event(3, false, 800), out _));
        Assert.Equal(TelephoneEventDetection.Ended, detector.Process(0xFFFF, Event(3, true, 8000), out var digit));
        Assert.Equal('3', digit.Digit);
        Assert.Equal((0xFFFF + 8000) / 8000.0, digit.Duration.TotalSeconds, 6);
    }

    [Fact]
    public void Malformed_and_stale_packets_are_harmless()
    {
        var detector = new TelephoneEventDetector(8000);
        Assert.Equal(TelephoneEventDetection.Malformed, detector.Process(0, [1, 2], out _));
        Assert.Equal(TelephoneEventDetection.Ended, detector.Process(8000, Event(4, true, 800), out _));
        Assert.Equal(TelephoneEventDetection.None, detector.Process(100, Event(9, true, 800), out _));
        Assert.Equal(TelephoneEventDetection.None, detector.Process(0, Event(16, false, 80), out _));
    }

    [Fact]
    public void Generator_refuses_what_is_not_a_key()
    {
        var generator = new TelephoneEventGenerator(8000);
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.Start('x', TimeSpan.FromMilliseconds(100), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => generator.Start('1', TimeSpan.Zero, 0));
        Assert.False(generator.TryNext(new byte[4], out _, out _));
    }

    private static byte[] Event(byte code, bool end, ushort duration)
    {
        var bytes = new byte[4];
        new TelephoneEventPayload(code, end, 10, duration).Write(bytes);
        return bytes;
    }
}
