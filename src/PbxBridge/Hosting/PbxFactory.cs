using System.Net;
using PbxBridge.Asterisk;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.Demo;
using PbxBridge.FreeSwitch;

namespace PbxBridge.Hosting;

/// <summary>The adapter <c>Pbx:Kind</c> selects.</summary>
public static class PbxFactory
{
    public static IPbx Create(PbxBridgeSettings settings, IServiceProvider services) => settings.Pbx.Kind switch
    {
        PbxKind.Demo => new DemoPbx(IPAddress.Parse(settings.Media.PbxBindAddress), services.GetRequiredService<ILogger<DemoPbx>>(), TimeSpan.FromMilliseconds(settings.Demo.AnswerDelayMs), services.GetRequiredService<PbxBridge.Agents.AgentDirectory>().Contains),
        PbxKind.Asterisk => new AsteriskPbx(PbxAdapterSettings.Asterisk(settings), services.GetRequiredService<ILogger<AsteriskPbx>>()),
        PbxKind.FreeSwitch => new FreeSwitchPbx(PbxAdapterSettings.FreeSwitch(settings), services.GetRequiredService<ILogger<FreeSwitchPbx>>()),
        _ => throw new SettingsException([$"Pbx:Kind = {settings.Pbx.Kind} is not supported: use Demo, Asterisk or FreeSwitch."]),
    };
}
