using PbxBridge.FreeSwitch.Esl;

namespace PbxBridge.FreeSwitch.Tests.Esl;

public sealed class EslUrlEncodingTests
{
    [Theory]
    [InlineData("sofia/pbxbridge/agent-42%40127.0.0.1%3A5090", "sofia/pbxbridge/agent-42@127.0.0.1:5090")]
    [InlineData("Sun,%2022%20Nov%202026%2022%3A17%3A07%20GMT", "Sun, 22 Nov 2026 22:17:07 GMT")]
    [InlineData("100%", "100%")]
    [InlineData("%zz", "%zz")]
    public void Decodes_values_as_recorded(string wire, string expected) => Assert.Equal(expected, EslUrlEncoding.Decode(wire));

    [Fact]
    public void Encodes_unsafe_characters_but_not_commas_or_existing_escapes()
    {
        Assert.Equal("2026-11-22%2022%3A14%3A15", EslUrlEncoding.Encode("2026-11-22 22:14:15"));
        Assert.Equal("a,b%20c", EslUrlEncoding.Encode("a,b%20c"));
        Assert.Equal("Sun,%2022%20Nov", EslUrlEncoding.Encode("Sun, 22 Nov"));
    }
}
