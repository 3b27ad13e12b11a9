using System.Text;
using PbxBridge.FreeSwitch.Esl;

namespace PbxBridge.FreeSwitch.Tests.Esl;

/// <summary>
/// Event bodies the fuzzer (bench/fuzz.sh --target esl) found throwing something other than the documented
/// EslProtocolException, which the connection's reader handles by reconnecting: anything else ended it another way.
/// </summary>
public sealed class EslEventMalformedTests
{
    private static EslMessage Frame(string contentType, byte[] body) =>
        new([new("Content-Type", contentType), new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))], body);

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("99999999999999999999")]
    [InlineData("")]
    public void Plain_event_whose_nested_Content_Length_is_not_a_length_is_a_protocol_error(string length)
    {
        var body = Encoding.UTF8.GetBytes($"Event-Name: BACKGROUND_JOB\nContent-Length: {length}\n\nsome output\n");

        var error = Assert.Throws<EslProtocolException>(() => EslEvent.Parse(Frame("text/event-plain", body)));

        Assert.Contains("Content-Length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_event_with_a_string_that_is_not_UTF8_is_a_protocol_error()
    {
        byte[] body = [.. "{\"Event-Name\":\"CHANNEL_"u8, 0xFF, 0xFF, .. "ANSWER\"}"u8];

        Assert.Throws<EslProtocolException>(() => EslEvent.Parse(Frame("text/event-json", body)));
    }
}
