using System.Buffers.Binary;
using PbxBridge.WebRtc;

namespace PbxBridge.Browser.Tests.WebRtc;

/// <summary>
/// Sends every RTP packet the browser sends straight back through the same endpoint, with our SSRC in place of
/// the browser's (the SSRC our answer announced), so the browser plays its own microphone.
/// </summary>
internal sealed class EchoObserver : IWebRtcEndpointObserver
{
    private readonly byte[] _echo = new byte[1500];

    public WebRtcEndpoint? Endpoint { get; set; }

    public TaskCompletionSource Connected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? ClosedReason { get; private set; }

    public void OnConnected() => Connected.TrySetResult();

    public void OnRtp(ReadOnlySpan<byte> rtpPacket, long arrivalTimestamp)
    {
        if (Endpoint is not { } endpoint || rtpPacket.Length > _echo.Length)
        {
            return;
        }

        rtpPacket.CopyTo(_echo);
        BinaryPrimitives.WriteUInt32BigEndian(_echo.AsSpan(8), endpoint.LocalSsrc);
        endpoint.SendRtp(_echo.AsSpan(0, rtpPacket.Length));
    }

    public void OnClosed(string reason) => ClosedReason = reason;
}
