using System.Net;
using PbxBridge.Asterisk;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.Demo;

namespace PbxBridge.Hosting;

/// <summary>The adapter <c>Pbx:Kind</c> selects.</summary>
public static class PbxFactory
{
    public static IPbx Create(PbxBridgeSettings settings, IServiceProvider services) => settings.Pbx.Kind switch
    {
        PbxKind.Demo => new DemoPbx(IPAddress.Parse(settings.Media.PbxBindAddress), services.GetRequiredService<ILogger<DemoPbx>>()),
        PbxKind.Asterisk => new AsteriskPbx(PbxAdapterSettings.Asterisk(settings), services.GetRequiredService<ILogger<AsteriskPbx>>()),
        // TODO(#8): the FreeSWITCH adapter.
        _ => throw new SettingsException([$"Pbx:Kind = {settings.Pbx.Kind} is not available in this build yet: use Demo or Asterisk."]),
    };
}
