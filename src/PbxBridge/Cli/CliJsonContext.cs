using System.Text.Json.Serialization;
using PbxBridge.Configuration;

namespace PbxBridge.Cli;

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(AgentOptions))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
