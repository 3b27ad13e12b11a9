using System.Net;
using Microsoft.AspNetCore.Connections;

namespace PbxBridge.Http.ProxyProtocol;

/// <summary>
/// Http:ProxyProtocol on the HTTPS port, before TLS: a connection from one of Http:ProxyProtocolFronts must open with
/// a PROXY protocol version 2 header (HAProxy's send-proxy-v2), and from then on the connection's remote and local
/// endpoints are the agent's and the address the agent connected to, so per-address limits, auth throttling, the
/// admin API's address checks and the logs see the agent, not the front. A front's connection without a valid header
/// is closed, with a log line. Connections from anywhere else are not relayed and are served as they are (the CLI on
/// loopback, a monitor): nobody outside the fronts can claim another address.
/// </summary>
public sealed class ProxyProtocolConnections(IReadOnlyList<IPNetwork> fronts, TimeSpan headerTimeout, TimeProvider time, ILogger logger)
{
    private readonly RefusalLogTurn _logTurn = new(time, TimeSpan.FromSeconds(10));
    private long _refused;

    /// <summary>Connections from a front closed for a missing, late or malformed header.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The Kestrel connection middleware (ListenOptions.Use), ahead of UseHttps.</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        if (connection.RemoteEndPoint is not IPEndPoint peer || !IsFront(peer.Address))
        {
            await next(connection);
            return;
        }

        var (header, error) = await ReadHeaderAsync(connection);
        if (header is null)
        {
            var refused = Interlocked.Increment(ref _refused);
            if (_logTurn.TryTake(refused, out var since))
            {
                logger.LogWarning(
                    "connection from front {Front} closed: {Error} ({Count} such since the last line; Http:ProxyProtocol expects a PROXY protocol version 2 header from Http:ProxyProtocolFronts)",
                    peer, error, since);
            }

            connection.Abort();
            return;
        }

        if (header.Source is { } source)
        {
            connection.RemoteEndPoint = source;
            connection.LocalEndPoint = header.Destination;
        }

        await next(connection);
    };

    private bool IsFront(IPAddress address)
    {
        var mapped = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        foreach (var front in fronts)
        {
            if (front.Contains(mapped))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<(ProxyHeaderV2? Header, string Error)> ReadHeaderAsync(ConnectionContext connection)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        timeout.CancelAfter(headerTimeout);
        var input = connection.Transport.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(timeout.Token);
                var buffer = result.Buffer;
                switch (ProxyHeaderV2Parser.TryParse(buffer, out var header, out var error))
                {
                    case ProxyParseStatus.Complete:
                        // The header alone is consumed: TLS starts right after it, in the same read perhaps.
                        input.AdvanceTo(buffer.GetPosition(header!.Length));
                        return (header, "");
                    case ProxyParseStatus.Invalid:
                        input.AdvanceTo(buffer.Start);
                        return (null, error!);
                    default:
                        if (result.IsCompleted)
                        {
                            input.AdvanceTo(buffer.Start);
                            return (null, $"closed after {buffer.Length} bytes, inside the PROXY header");
                        }

                        input.AdvanceTo(buffer.Start, buffer.End);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return (null, $"no PROXY header within {headerTimeout.TotalSeconds:0} s");
        }
    }
}
