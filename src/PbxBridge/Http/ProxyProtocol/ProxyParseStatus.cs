namespace PbxBridge.Http.ProxyProtocol;

/// <summary>The outcome of <see cref="ProxyHeaderV2Parser.TryParse"/>.</summary>
public enum ProxyParseStatus
{
    NeedMoreData,
    Complete,
    Invalid,
}
