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

        // A dead node's calls end on the PBX side within the time a dead browser's end by ICE consent.
        options.ChannelLeaseSeconds = settings.Cluster.Enabled ? settings.Media.ConsentTimeoutSeconds : 0;
        return options;
    }

    public static FreeSwitchOptions FreeSwitch(PbxBridgeSettings settings)
    {
        var options = new FreeSwitchOptions();
        settings.Configuration.GetSection(FreeSwitchOptions.SectionName).Bind(options);
        options.AgentIds = [.. settings.Agents.Select(a => a.Id)];
        return options;
    }

    public static IEnumerable<string> Validate(PbxBridgeSettings settings) => settings.Pbx.Kind switch
    {
        PbxKind.Asterisk => Asterisk(settings).Validate(),
        PbxKind.FreeSwitch => FreeSwitch(settings).Validate(),
        _ => [],
    };
}
