using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;

namespace PbxBridge.Cli;

/// <summary>Maps this site's settings onto the adapters' renderers.</summary>
public static class PbxConfigRendering
{
    public static IReadOnlyList<PbxConfigFile> Render(string pbx, PbxBridgeSettings settings)
    {
        // TODO(#7, #8): AsteriskConfigRenderer / FreeSwitchConfigRenderer.
        throw new SettingsException([$"config render --pbx {pbx}: the {pbx} snippets are not in this build yet"]);
    }
}
