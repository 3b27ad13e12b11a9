using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace PbxBridge.LoadGen.Rtpengine;

/// <summary>
/// rtpengine's ng control protocol over UDP: "&lt;cookie&gt; &lt;bencoded dictionary&gt;", answered with the same cookie.
/// One request at a time per client; the load step uses one client per call.
/// </summary>
internal sealed class NgClient : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IPEndPoint _server;

    public NgClient(IPEndPoint server)
    {
        _server = server;
    }

    public async Task<IReadOnlyDictionary<string, object>> CallAsync(IReadOnlyDictionary<string, object> command, CancellationToken cancellationToken)
    {
        var cookie = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var text = new StringBuilder(cookie).Append(' ');
        Bencode.Encode(text, command);
        var request = Encoding.ASCII.GetBytes(text.ToString());
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await _udp.SendAsync(request, _server, cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                while (true)
                {
                    var reply = await _udp.ReceiveAsync(timeout.Token);
                    var body = Encoding.ASCII.GetString(reply.Buffer);
                    if (!body.StartsWith(cookie + " ", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var position = cookie.Length + 1;
                    var result = (Dictionary<string, object>)Bencode.Decode(body, ref position);
                    if (!result.TryGetValue("result", out var status) || (string)status is not ("ok" or "pong"))
                    {
                        var reason = result.TryGetValue("error-reason", out var why) ? why : status;
                        throw new InvalidOperationException($"rtpengine {command["command"]}: {reason}");
                    }

                    return result;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Retransmit: ng over UDP has no other reliability.
            }
        }

        throw new InvalidOperationException($"rtpengine did not answer {command["command"]}");
    }

    public void Dispose() => _udp.Dispose();
}
