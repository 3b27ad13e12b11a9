using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using PbxBridge.WebRtc.Stun;

namespace PbxBridge.Calls.Tests.Support;

/// <summary>Sends the browser's ICE connectivity check, nominating, to the candidate in PbxBridge's SDP.</summary>
internal sealed class IceCheckSender : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public IceCheckSender() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <param name="pbxBridgeSdp">PbxBridge's offer or answer: its ice-ufrag, ice-pwd and host candidate.</param>
    /// <param name="browserUfrag">The ice-ufrag of the browser's own SDP.</param>
    public void SendNominatingCheck(string pbxBridgeSdp, string browserUfrag)
    {
        var ufrag = Attribute(pbxBridgeSdp, "ice-ufrag");
        var password = Attribute(pbxBridgeSdp, "ice-pwd");
        var candidate = Attribute(pbxBridgeSdp, "candidate").Split(' ');
        var target = new IPEndPoint(IPAddress.Parse(candidate[4]), int.Parse(candidate[5], System.Globalization.CultureInfo.InvariantCulture));

        var buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, RandomNumberGenerator.GetBytes(12));
        writer.AddAttribute(StunAttributeType.Username, Encoding.UTF8.GetBytes($"{ufrag}:{browserUfrag}"));
        writer.AddUInt32(StunAttributeType.Priority, 1853824767);
        writer.AddUInt64(StunAttributeType.IceControlling, 0x1234_5678_9ABC_DEF0);
        writer.AddAttribute(StunAttributeType.UseCandidate, []);
        writer.AddMessageIntegrity(Encoding.UTF8.GetBytes(password));
        writer.AddFingerprint();
        _socket.SendTo(buffer.AsSpan(0, writer.Length), SocketFlags.None, target);
    }

    public void Dispose() => _socket.Dispose();

    private static string Attribute(string sdp, string name) =>
        sdp.Split("\r\n").First(l => l.StartsWith($"a={name}:", StringComparison.Ordinal))[(name.Length + 3)..];
}
