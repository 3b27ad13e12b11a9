using PbxBridge.Configuration;

namespace PbxBridge.Http;

/// <summary>Everything served on the one HTTPS endpoint.</summary>
public static class Endpoints
{
    public static void Map(WebApplication app, PbxBridgeSettings settings)
    {
        app.Use(SecurityHeaders.ApplyAsync);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        HealthEndpoint.Map(app);
        SipWebSocketEndpoint.Map(app);
        AdminApi.Map(app, settings);
        IceServersEndpoint.Map(app, settings);
        NetworkCheckEndpoint.Map(app);
    }
}
