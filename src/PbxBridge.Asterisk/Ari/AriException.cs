using System.Net;

namespace PbxBridge.Asterisk.Ari;

/// <summary>ARI answered with an error status; <see cref="AriMessage"/> is the body's "message" (or "error").</summary>
public sealed class AriException : Exception
{
    public AriException(HttpStatusCode status, string ariMessage, string method, string path)
        : base($"ARI {method} {path} failed: {(int)status} {ariMessage}")
    {
        Status = status;
        AriMessage = ariMessage;
        Method = method;
        Path = path;
    }

    public AriException()
        : this(HttpStatusCode.InternalServerError, "", "", "")
    {
    }

    public AriException(string message)
        : base(message) => AriMessage = message;

    public AriException(string message, Exception innerException)
        : base(message, innerException) => AriMessage = message;

    public HttpStatusCode Status { get; }

    public string AriMessage { get; } = "";

    public string Method { get; } = "";

    public string Path { get; } = "";

    /// <summary>Asterisk says "Channel not found" / "Bridge not found": the object is already gone.</summary>
    public bool IsNotFound => Status == HttpStatusCode.NotFound;

    /// <summary>401: the ARI user or password (or api_key) is wrong.</summary>
    public bool IsUnauthorized => Status == HttpStatusCode.Unauthorized;
}
