using System.Text.Json;
using PbxBridge.Asterisk.Ari.Events;

namespace PbxBridge.Asterisk.Ari;

/// <summary>
/// Turns one events-WebSocket message into a typed event. The <c>type</c> field is not always first
/// (ChannelVarset starts with "variable"), so the message is read once as a document and then bound.
/// </summary>
public static class AriEventParser
{
    /// <summary>The typed event, or null for event types PbxBridge does not use. Throws <see cref="JsonException"/> on bad JSON.</summary>
    public static AriEvent? Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return ParseDocument(utf8Json);
        }
        catch (InvalidOperationException e)
        {
            // The reader accepts invalid UTF-8 inside a string token; turning it into .NET text throws this instead.
            throw new JsonException("ARI event with a string that is not UTF-8", e);
        }
    }

    private static AriEvent? ParseDocument(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            throw new JsonException("ARI event has no string 'type'");
        }

        var ctx = AriJsonContext.Default;
        return typeElement.GetString() switch
        {
            "StasisStart" => root.Deserialize(ctx.StasisStart),
            "StasisEnd" => root.Deserialize(ctx.StasisEnd),
            "ChannelStateChange" => root.Deserialize(ctx.ChannelStateChange),
            "ChannelDtmfReceived" => root.Deserialize(ctx.ChannelDtmfReceived),
            "ChannelHangupRequest" => root.Deserialize(ctx.ChannelHangupRequest),
            "ChannelDestroyed" => root.Deserialize(ctx.ChannelDestroyed),
            "ChannelVarset" => root.Deserialize(ctx.ChannelVarset),
            "ChannelLeftBridge" => root.Deserialize(ctx.ChannelLeftBridge),
            "BridgeDestroyed" => root.Deserialize(ctx.BridgeDestroyed),
            "Dial" => root.Deserialize(ctx.Dial),
            "ChannelHold" => root.Deserialize(ctx.ChannelHold),
            "ChannelUnhold" => root.Deserialize(ctx.ChannelUnhold),
            "ApplicationReplaced" => root.Deserialize(ctx.ApplicationReplaced),
            _ => null,
        };
    }
}
