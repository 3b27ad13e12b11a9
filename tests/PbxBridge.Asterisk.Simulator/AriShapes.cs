using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PbxBridge.Asterisk.Simulator;

/// <summary>JSON in the exact shapes (and field order) the recorded Asterisk 22.10.1 sent.</summary>
internal static class AriShapes
{
    public const string AsteriskId = "02:fc:00:00:00:01";

    /// <summary>Asterisk writes "+0000" and "&lt;" literally; the default encoder would escape them.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Now() => Format(DateTimeOffset.UtcNow);

    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture) + "+0000";

    public static JsonObject Channel(SimChannel c, bool withChannelVars = false)
    {
        var json = new JsonObject
        {
            ["id"] = c.Id,
            ["name"] = c.Name,
            ["state"] = c.State,
            ["protocol_id"] = "",
            ["caller"] = new JsonObject { ["name"] = c.CallerName, ["number"] = c.CallerNumber },
            ["connected"] = new JsonObject { ["name"] = c.ConnectedName, ["number"] = c.ConnectedNumber },
            ["accountcode"] = "",
            ["dialplan"] = new JsonObject
            {
                ["context"] = c.Context,
                ["exten"] = c.Exten,
                ["priority"] = c.Priority,
                ["app_name"] = c.AppName,
                ["app_data"] = c.AppData,
            },
            ["creationtime"] = c.CreationTime,
            ["language"] = "en",
        };
        if (withChannelVars)
        {
            var vars = new JsonObject();
            foreach (var (k, v) in c.Variables)
            {
                vars[k] = v;
            }

            json["channelvars"] = vars;
        }

        return json;
    }

    public static JsonObject Bridge(SimBridge b)
    {
        var channels = new JsonArray();
        foreach (var id in b.ChannelIds)
        {
            channels.Add(id);
        }

        return new JsonObject
        {
            ["id"] = b.Id,
            ["technology"] = b.Technology,
            ["bridge_type"] = b.Type,
            ["bridge_class"] = "stasis",
            ["creator"] = "Stasis",
            ["name"] = b.Name,
            ["channels"] = channels,
            ["creationtime"] = b.CreationTime,
            ["video_mode"] = "talker",
        };
    }

    /// <summary>An event: leading fields (e.g. "variable"/"cause" come before "type" in Asterisk's output), then the rest.</summary>
    public static JsonObject Event(string type, string app, JsonObject? leading = null, JsonObject? trailing = null)
    {
        var json = new JsonObject();
        if (leading is not null)
        {
            foreach (var (k, v) in leading.ToList())
            {
                leading.Remove(k);
                json[k] = v;
            }
        }

        json["type"] = type;
        json["timestamp"] = Now();
        if (trailing is not null)
        {
            foreach (var (k, v) in trailing.ToList())
            {
                trailing.Remove(k);
                json[k] = v;
            }
        }

        json["asterisk_id"] = AsteriskId;
        json["application"] = app;
        return json;
    }

    public static JsonObject Message(string message) => new() { ["message"] = message };

    public static string CauseText(int cause) => cause switch
    {
        0 => "Unknown",
        1 => "Unallocated (unassigned) number",
        16 => "Normal Clearing",
        17 => "User busy",
        18 => "No user responding",
        19 => "User alerting, no answer",
        20 => "Subscriber absent",
        21 => "Call Rejected",
        34 => "Circuit/channel congestion",
        41 => "Temporary failure",
        _ => "Unknown",
    };

    /// <summary>ARI DELETE /channels reason names -> Q.850 (as res_ari_channels maps them).</summary>
    public static int? CauseForReason(string reason) => reason switch
    {
        "normal" => 16,
        "busy" => 17,
        "congestion" => 34,
        "no_answer" => 19,
        "timeout" => 18,
        "rejected" => 21,
        "unallocated" => 1,
        "normal_unspecified" => 31,
        "number_incomplete" => 28,
        "codec_mismatch" => 58,
        "interworking" => 127,
        "failure" => 38,
        "answered_elsewhere" => 26,
        _ => null,
    };
}
