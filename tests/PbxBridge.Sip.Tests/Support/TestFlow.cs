using System.Net;
using PbxBridge.Sip.Message;
using PbxBridge.Sip.Transport;

namespace PbxBridge.Sip.Tests.Support;

/// <summary>An in-memory flow: what the stack sends is parsed back (as a browser would receive it) and kept.</summary>
internal sealed class TestFlow(string id, bool reliable = true, string? address = null) : ISipFlow
{
    private readonly Lock _gate = new();
    private readonly List<SipMessage> _sent = [];

    public string Id { get; } = id;

    public IPEndPoint Remote { get; } = new(IPAddress.Parse(address ?? "192.0.2.10"), 50000);

    public bool IsReliable { get; } = reliable;

    public string ViaTransport => IsReliable ? "WSS" : "UDP";

    public bool IsOpen { get; set; } = true;

    public string? LocalSentBy => null;

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

    public void Send(SipMessage message)
    {
        // Round-trip through the wire form so tests see exactly what a browser would parse.
        var parsed = SipParser.Parse(message.ToBytes());
        Assert.True(parsed.Success, "stack sent an unparseable message: " + parsed.Error + "\n" + message);
        lock (_gate)
        {
            _sent.Add(parsed.Message!);
        }
    }

    public List<SipResponse> Responses(string method) =>
        Sent.OfType<SipResponse>().Where(r => r.CSeq?.Method == method).ToList();

    public List<SipRequest> Requests(string method) =>
        Sent.OfType<SipRequest>().Where(r => r.Method == method).ToList();

    public SipResponse LastResponse => Sent.OfType<SipResponse>().Last();

    public void Clear()
    {
        lock (_gate)
        {
            _sent.Clear();
        }
    }
}
