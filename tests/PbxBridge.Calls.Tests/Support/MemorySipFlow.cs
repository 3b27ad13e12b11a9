using System.Net;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Calls.Tests.Support;

/// <summary>One browser's WebSocket, in memory: what the stack sends is parsed back as a browser would read it.</summary>
internal sealed class MemorySipFlow(string id) : ISipFlow
{
    private readonly Lock _gate = new();
    private readonly List<SipMessage> _sent = [];

    public string Id { get; } = id;

    public IPEndPoint Remote { get; } = new(IPAddress.Parse("192.0.2.10"), 50000);

    public bool IsReliable => true;

    public string ViaTransport => "WSS";

    public bool IsOpen => true;

    public string? LocalSentBy => null;

    public void Send(SipMessage message)
    {
        var parsed = SipParser.Parse(message.ToBytes());
        Assert.True(parsed.Success, "the stack sent an unparseable message: " + parsed.Error);
        lock (_gate)
        {
            _sent.Add(parsed.Message!);
        }
    }

    /// <summary>Everything sent so far, in order.</summary>
    public IReadOnlyList<SipMessage> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    /// <summary>The first message sent so far that matches, waiting up to 5 s for it.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match)
        where T : SipMessage
    {
        for (var i = 0; i < 500; i++)
        {
            lock (_gate)
            {
                if (_sent.OfType<T>().FirstOrDefault(match) is { } found)
                {
                    return found;
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"no matching {typeof(T).Name} was sent");
    }
}
