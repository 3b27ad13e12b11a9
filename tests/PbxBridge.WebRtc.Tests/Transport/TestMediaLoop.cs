using Microsoft.Extensions.Logging.Abstractions;
using PbxBridge.Net;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.WebRtc.Tests.Transport;

/// <summary>One media loop for the endpoints of this test assembly, as a process has one per core.</summary>
internal static class TestMediaLoop
{
    public static MediaEventLoop Shared { get; } = new("test-media-loop", NullLogger.Instance);
}
