using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PbxBridge.Asterisk.Simulator;

/// <summary>
/// /deviceStates as Asterisk 22 answers it (res_ari_device_states, api-docs/deviceStates.json): only "Stasis:" devices
/// may be set (else 409 "Uncontrolled device specified"); a state outside the documented list is 400; a set is 204.
/// </summary>
public sealed partial class AriSimulator
{
    private static readonly HashSet<string> s_deviceStates =
        ["UNKNOWN", "NOT_INUSE", "INUSE", "BUSY", "INVALID", "UNAVAILABLE", "RINGING", "RINGINUSE", "ONHOLD"];

    private readonly Dictionary<string, string> _deviceStateOf = new(StringComparer.Ordinal);

    /// <summary>The state a client last set on <paramref name="deviceName"/> ("Stasis:pbxbridge-1001"), or null.</summary>
    public string? DeviceState(string deviceName)
    {
        lock (_gate)
        {
            return _deviceStateOf.GetValueOrDefault(deviceName);
        }
    }

    private Task UpdateDeviceState(HttpContext context, string deviceName)
    {
        var state = Q(context.Request, "deviceState");
        if (!HasQ(context.Request, "deviceState") || !s_deviceStates.Contains(state))
        {
            return Error(context, 400, "deviceState: Invalid value");
        }

        if (!deviceName.StartsWith("Stasis:", StringComparison.Ordinal))
        {
            return Error(context, 409, "Uncontrolled device specified");
        }

        lock (_gate)
        {
            _deviceStateOf[deviceName] = state;
        }

        return NoContent(context);
    }

    private Task GetDeviceState(HttpContext context, string deviceName)
    {
        string? state;
        lock (_gate)
        {
            state = _deviceStateOf.GetValueOrDefault(deviceName);
        }

        return state is null
            ? Error(context, 404, "Device not found")
            : WriteJsonAsync(context, 200, new JsonObject { ["name"] = deviceName, ["state"] = state });
    }
}
