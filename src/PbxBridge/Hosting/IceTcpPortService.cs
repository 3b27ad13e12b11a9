using System.Net;
using PbxBridge.Configuration;
using PbxBridge.WebRtc.Transport;

namespace PbxBridge.Hosting;

/// <summary>Listens on <c>Media:IceTcpPort</c> (at the browser-side bind address) while the service runs.</summary>
public sealed class IceTcpPortService(PbxBridgeSettings settings, IceTcpOpener opener, ILogger<IceTcpPortService> logger) : IHostedService
{
    private IceTcpListener? _listener;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var media = settings.Media;
        var address = IPAddress.Parse(media.BrowserBindAddress.Length > 0 ? media.BrowserBindAddress : media.PublicAddress);
        _listener = IceTcpListener.Start(new IPEndPoint(address, media.IceTcpPort), opener, logger);
        logger.LogInformation("ICE-TCP media on {EndPoint} (RFC 6544 passive candidates)", _listener.LocalEndPoint);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }
    }
}
