using System.Net;

namespace PbxBridge.Http.ProxyProtocol;

/// <summary>
/// What a PROXY protocol version 2 header (haproxy's doc/proxy-protocol.txt, section 2.2) says about the connection
/// behind it. <see cref="Command"/> LOCAL (the front's own connection, e.g. a health check) and address families
/// other than TCP over IPv4/IPv6 carry no client: <see cref="Source"/> and <see cref="Destination"/> are null and
/// the connection's own addresses stand.
/// </summary>
public sealed record ProxyHeaderV2(ProxyCommand Command, IPEndPoint? Source, IPEndPoint? Destination, int Length);
