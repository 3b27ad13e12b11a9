using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PbxBridge.Asterisk.Simulator;

/// <summary>
/// /asterisk/variable for global variables as Asterisk 22 answers it (res_ari_asterisk): GET gives {"value": ...},
/// "" for a variable that is not set; POST with a value sets it, POST without one deletes it (verified against
/// 22.10.1: `dialplan show globals` no longer lists it), both 204; no variable parameter is 400.
/// POST takes "GLOBAL(name)" or a bare name for the same global (a name ending in ')' is written through the dialplan
/// function); GET evaluates no function (ast_str_retrieve_variable): "GLOBAL(name)" reads as "" even when the global
/// is set (measured on 22.10.1: a node reading its pointer that way never withdrew it).
/// </summary>
public sealed partial class AriSimulator
{
    private readonly Dictionary<string, string> _globals = new(StringComparer.Ordinal);

    /// <summary>A global variable as a client last set it, or null when unset.</summary>
    public string? GlobalVariable(string name)
    {
        lock (_gate)
        {
            return _globals.GetValueOrDefault(name);
        }
    }

    /// <summary>A channel variable (or function, e.g. "TIMEOUT(absolute)") as a client last set it; null when unset or no such channel.</summary>
    public string? ChannelVariable(string channelId, string name)
    {
        lock (_gate)
        {
            return _channels.TryGetValue(channelId, out var channel) ? channel.Variables.GetValueOrDefault(name) : null;
        }
    }

    /// <summary>Forgets a channel variable (to see a client set it again).</summary>
    public void ClearChannelVariable(string channelId, string name)
    {
        lock (_gate)
        {
            if (_channels.TryGetValue(channelId, out var channel))
            {
                channel.Variables.Remove(name);
            }
        }
    }

    /// <summary>Sets (null: deletes) a global as the dialplan or another ARI client would.</summary>
    public void SetGlobalVariable(string name, string? value)
    {
        lock (_gate)
        {
            if (value is null)
            {
                _globals.Remove(name);
            }
            else
            {
                _globals[name] = value;
            }
        }
    }

    private Task GetGlobal(HttpContext context)
    {
        if (!HasQ(context.Request, "variable"))
        {
            return Error(context, 400, "Variable name is required");
        }

        return WriteJsonAsync(context, 200, new JsonObject { ["value"] = GlobalVariable(Q(context.Request, "variable")) ?? "" });
    }

    private Task SetGlobal(HttpContext context)
    {
        if (!HasQ(context.Request, "variable"))
        {
            return Error(context, 400, "Variable name is required");
        }

        SetGlobalVariable(GlobalName(Q(context.Request, "variable")), context.Request.Query.ContainsKey("value") ? Q(context.Request, "value") : null);
        return NoContent(context);
    }

    private static string GlobalName(string variable) =>
        variable.StartsWith("GLOBAL(", StringComparison.Ordinal) && variable.EndsWith(')') ? variable[7..^1] : variable;
}
