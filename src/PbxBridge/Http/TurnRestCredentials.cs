using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace PbxBridge.Http;

/// <summary>
/// Time-limited TURN credentials by the TURN REST API convention coturn implements (use-auth-secret /
/// static-auth-secret): username "expiry:agent" (expiry in Unix seconds), password base64(HMAC-SHA1(secret,
/// username)). coturn recomputes the password from the username and refuses it after the expiry, so nothing is
/// stored anywhere and a leaked credential dies on its own.
/// </summary>
public static class TurnRestCredentials
{
    public static (string Username, string Password) Create(string sharedSecret, string agentId, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(sharedSecret);
        var username = string.Create(CultureInfo.InvariantCulture, $"{expires.ToUnixTimeSeconds()}:{agentId}");
        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(sharedSecret), Encoding.UTF8.GetBytes(username));
        return (username, Convert.ToBase64String(mac));
    }
}
