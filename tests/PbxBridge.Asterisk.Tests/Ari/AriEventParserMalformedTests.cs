using System.Text.Json;
using PbxBridge.Asterisk.Ari;

namespace PbxBridge.Asterisk.Tests.Ari;

/// <summary>
/// A message the fuzzer (bench/fuzz.sh --target ari) found throwing InvalidOperationException, which the event
/// stream does not catch (it counts and skips JsonException): invalid UTF-8 inside the event's type string (elsewhere the deserializer
/// already reports it as JsonException).
/// </summary>
public sealed class AriEventParserMalformedTests
{
    [Fact]
    public void Event_type_that_is_not_UTF8_is_a_JSON_error()
    {
        byte[] message = [.. "{\"type\":\"Stasis"u8, 0xFF, 0xFE, .. "Start\",\"channel\":{}}"u8];

        Assert.Throws<JsonException>(() => AriEventParser.Parse(message));
    }
}
