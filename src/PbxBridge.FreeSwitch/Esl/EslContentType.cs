namespace PbxBridge.FreeSwitch.Esl;

/// <summary>The Content-Type values mod_event_socket sends (mod_event_socket.c: 1374, 1441, 1591, 2677, 2720).</summary>
public static class EslContentType
{
    public const string AuthRequest = "auth/request";
    public const string CommandReply = "command/reply";
    public const string ApiResponse = "api/response";
    public const string EventPlain = "text/event-plain";
    public const string EventJson = "text/event-json";
    public const string EventXml = "text/event-xml";
    public const string DisconnectNotice = "text/disconnect-notice";
    public const string RudeRejection = "text/rude-rejection";
    public const string LogData = "log/data";
}
