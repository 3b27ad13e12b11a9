using PbxBridge.Asterisk;
using PbxBridge.Asterisk.Ari;
using PbxBridge.Calls.Pbx;
using PbxBridge.Configuration;
using PbxBridge.FreeSwitch;
using Microsoft.Extensions.Logging.Abstractions;

namespace PbxBridge.Doctor;

/// <summary>The PBX adapter's own doctor checks, for the kind configured.</summary>
public static class PbxDoctorFactory
{
    public static async Task<IReadOnlyList<DoctorCheck>> CheckAsync(PbxBridgeSettings settings, CancellationToken cancellationToken)
    {
        switch (settings.Pbx.Kind)
        {
            case PbxKind.Demo:
                return [new DoctorCheck("PBX", DoctorOutcome.Passed, "built-in demo PBX (600 echo, 601 tone, 602 no answer, 603 busy)")];
            case PbxKind.Asterisk:
                var options = PbxAdapterSettings.Asterisk(settings);
                using (var client = new AriClient(options))
                {
                    return await new AsteriskDoctor(options, client).CheckAsync(cancellationToken);
                }

            default:
                return await new FreeSwitchDoctor(PbxAdapterSettings.FreeSwitch(settings), NullLogger<FreeSwitchDoctor>.Instance).CheckAsync(cancellationToken);
        }
    }
}
