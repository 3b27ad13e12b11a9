using System.Text.Json;
using PbxBridge.Asterisk.Ari;
using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// One message of Asterisk's ARI events WebSocket through AriEventParser.Parse. The documented refusal is
/// JsonException (the event is logged and skipped); any other exception would end the event loop.
/// </summary>
public sealed class AriTarget : FuzzTarget
{
    public override string Name => "ari";

    public override string Description => "AriEventParser.Parse (events WebSocket JSON)";

    public override IReadOnlyList<byte[]> Seeds => PbxControlSeeds.AriEvents;

    public override bool IsText => true;

    public override IReadOnlyList<byte[]> Tokens => PbxControlSeeds.AriTokens;

    public override FuzzVerdict Run(byte[] input)
    {
        try
        {
            _ = AriEventParser.Parse(input);
            return FuzzVerdict.Accepted;
        }
        catch (JsonException)
        {
            return FuzzVerdict.Rejected;
        }
    }
}
