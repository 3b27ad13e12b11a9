using PbxBridge.Fuzzing.Engine;
using PbxBridge.Fuzzing.Seeds;
using PbxBridge.FreeSwitch.Esl;

namespace PbxBridge.Fuzzing.Targets;

/// <summary>
/// The ESL connection's read side: EslFrameReader over the socket's bytes, then EslEvent.Parse for event frames.
/// The documented refusal is EslProtocolException (the connection is then dropped and re-established, counted as
/// pbxbridge_pbx_reconnects_total); anything else escaping would end the reader task some other way.
/// </summary>
public sealed class EslTarget : FuzzTarget
{
    public override string Name => "esl";

    public override string Description => "EslFrameReader.ReadAsync + EslEvent.Parse (plain, json, xml)";

    public override IReadOnlyList<byte[]> Seeds => PbxControlSeeds.EslFrames;

    public override bool IsText => true;

    public override IReadOnlyList<byte[]> Tokens => PbxControlSeeds.EslTokens;

    public override FuzzVerdict Run(byte[] input)
    {
        using var stream = new MemoryStream(input, writable: false);
        var reader = new EslFrameReader(stream);
        try
        {
            while (reader.ReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } frame)
            {
                if (frame.ContentType.StartsWith("text/event-", StringComparison.Ordinal))
                {
                    _ = EslEvent.Parse(frame);
                }
            }
        }
        catch (EslProtocolException)
        {
            return FuzzVerdict.Rejected;
        }

        return FuzzVerdict.Accepted;
    }
}
