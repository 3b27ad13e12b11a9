using PbxBridge.Asterisk.Config;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.FreeSwitch.Config;

namespace PbxBridge.Cli;

/// <summary>Maps this site's settings onto the adapters' renderers: the snippets say what this PbxBridge really uses.</summary>
public static class PbxConfigRendering
{
    public static IReadOnlyList<PbxConfigFile> Render(string pbx, PbxBridgeSettings settings) => pbx switch
    {
        "asterisk" => AsteriskConfigRenderer.Render(AsteriskRenderValues.From(PbxAdapterSettings.Asterisk(settings), settings.Media.PbxBindAddress)),
        "freeswitch" => FreeSwitchConfigRenderer.Render(FreeSwitchRenderValues.From(PbxAdapterSettings.FreeSwitch(settings))),
        _ => throw new SettingsException([$"--pbx {pbx}: use asterisk or freeswitch"]),
    };
}
