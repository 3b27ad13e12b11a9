using System.Globalization;
using System.Net;
using PbxBridge.Asterisk.Ari;
using PbxBridge.Asterisk.Ari.Models;

namespace PbxBridge.Asterisk;

/// <summary>
/// Where Asterisk's UnicastRTP channel sends from and listens: UNICASTRTP_LOCAL_ADDRESS/PORT. Taken from the
/// externalMedia response's channelvars when present, else read with GET /channels/{id}/variable.
/// </summary>
internal static class ExternalMediaAddress
{
    public const string AddressVariable = "UNICASTRTP_LOCAL_ADDRESS";
    public const string PortVariable = "UNICASTRTP_LOCAL_PORT";

    public static async Task<IPEndPoint> ReadAsync(AriClient client, Channel channel, CancellationToken cancellationToken)
    {
        string? address = null;
        string? port = null;
        channel.ChannelVars?.TryGetValue(AddressVariable, out address);
        channel.ChannelVars?.TryGetValue(PortVariable, out port);
        if (string.IsNullOrEmpty(address))
        {
            address = await client.GetVariableAsync(channel.Id, AddressVariable, cancellationToken).ConfigureAwait(false);
        }

        if (string.IsNullOrEmpty(port))
        {
            port = await client.GetVariableAsync(channel.Id, PortVariable, cancellationToken).ConfigureAwait(false);
        }

        if (!IPAddress.TryParse(address, out var ip)
            || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var portNumber)
            || portNumber is <= 0 or > 65535)
        {
            throw new AriException($"externalMedia channel {channel.Id} reported an unusable RTP address '{address}:{port}'");
        }

        return new IPEndPoint(ip, portNumber);
    }
}
