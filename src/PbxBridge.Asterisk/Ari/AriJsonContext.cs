using System.Text.Json.Serialization;
using PbxBridge.Asterisk.Ari.Events;
using PbxBridge.Asterisk.Ari.Models;

namespace PbxBridge.Asterisk.Ari;

/// <summary>Source-generated (reflection-free) JSON for the ARI models; ARI spells its fields in snake_case.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Channel))]
[JsonSerializable(typeof(List<Channel>))]
[JsonSerializable(typeof(Bridge))]
[JsonSerializable(typeof(List<Bridge>))]
[JsonSerializable(typeof(Application))]
[JsonSerializable(typeof(List<Application>))]
[JsonSerializable(typeof(AsteriskInfo))]
[JsonSerializable(typeof(Variable))]
[JsonSerializable(typeof(Module))]
[JsonSerializable(typeof(AriErrorBody))]
[JsonSerializable(typeof(ChannelVariablesBody))]
[JsonSerializable(typeof(StasisStart))]
[JsonSerializable(typeof(StasisEnd))]
[JsonSerializable(typeof(ChannelStateChange))]
[JsonSerializable(typeof(ChannelDtmfReceived))]
[JsonSerializable(typeof(ChannelHangupRequest))]
[JsonSerializable(typeof(ChannelDestroyed))]
[JsonSerializable(typeof(ChannelVarset))]
[JsonSerializable(typeof(ChannelLeftBridge))]
[JsonSerializable(typeof(BridgeDestroyed))]
[JsonSerializable(typeof(Dial))]
[JsonSerializable(typeof(ChannelHold))]
[JsonSerializable(typeof(ChannelUnhold))]
[JsonSerializable(typeof(ApplicationReplaced))]
internal sealed partial class AriJsonContext : JsonSerializerContext
{
}
