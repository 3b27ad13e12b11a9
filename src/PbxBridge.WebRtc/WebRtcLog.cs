using Microsoft.Extensions.Logging;

namespace PbxBridge.WebRtc;

/// <summary>Every log line the WebRtc room writes, as source-generated messages: per event, never per packet.</summary>
internal static partial class WebRtcLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "ICE: browser nominated {Remote}")]
    public static partial void Nominated(ILogger logger, string remote);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "DTLS connected as {Role}: {Cipher}, SRTP {SrtpProfile}")]
    public static partial void DtlsConnected(ILogger logger, string role, string? cipher, string srtpProfile);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "WebRTC leg closed: {Reason}")]
    public static partial void Closed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "ICE restart: new local ufrag {Ufrag}")]
    public static partial void IceRestart(ILogger logger, string ufrag);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "SDP refused: {Reason}")]
    public static partial void SdpRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Error, Message = "WebRTC endpoint observer threw")]
    public static partial void ObserverFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "WebRTC leg closed by the browser: {Reason}")]
    public static partial void ClosedByBrowser(ILogger logger, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "WebRTC receive loop: {Errors} datagrams failed, last: {Error}")]
    public static partial void ReceiveErrors(ILogger logger, long errors, string error);
}
