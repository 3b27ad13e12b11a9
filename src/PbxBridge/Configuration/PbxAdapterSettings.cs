using Microsoft.Extensions.Configuration;
using PbxBridge.Asterisk;
using PbxBridge.FreeSwitch;

namespace PbxBridge.Configuration;

/// <summary>The adapter section that <c>Pbx:Kind</c> selects (Pbx:Asterisk or Pbx:FreeSwitch): binding and validation.</summary>
public static class PbxAdapterSettings
{
    public static AsteriskOptions Asterisk(PbxBridgeSettings settings)
    {
        var options = new AsteriskOptions();
        settings.Configuration.GetSection(AsteriskOptions.SectionName).Bind(options);
        options.NodeId = settings.Cluster.Enabled ? settings.Cluster.NodeId : null;
        return options;
    }

    public static FreeSwitchOptions FreeSwitch(PbxBridgeSettings settings)
    {
        var options = new FreeSwitchOptions();
        settings.Configuration.GetSection(FreeSwitchOptions.SectionName).Bind(options);
        return options;
    }

    public static IEnumerable<string> Validate(PbxBridgeSettings settings) => settings.Pbx.Kind switch
    {
        PbxKind.Asterisk => Asterisk(settings).Validate(),
        PbxKind.FreeSwitch => FreeSwitch(settings).Validate(),
        _ => [],
    };
}
