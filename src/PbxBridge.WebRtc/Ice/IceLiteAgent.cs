using System.Net;
using System.Text;
using PbxBridge.WebRtc.Stun;

namespace PbxBridge.WebRtc.Ice;

/// <summary>
/// The lite side of ICE (RFC 8445 §2.5): we never send checks, we answer the browser's. A check is answered only
/// when its USERNAME starts with our ufrag and its MESSAGE-INTEGRITY verifies with our password; the source
/// address is then verified (DTLS may come from it), USE-CANDIDATE nominates it, and a later nominated check
/// from another address moves media there (the browser changed network). Every valid check refreshes consent
/// (RFC 7675). A check that does not authenticate (no USERNAME or MESSAGE-INTEGRITY, a USERNAME that is not ours,
/// an integrity that does not verify) gets no answer at all, so a scan learns nothing, not even that the port is
/// live; a verified check whose transaction id was already seen from another address is a replay and is dropped
/// the same way (see <see cref="StunTransactionMemory"/>). Runs on the receive loop's thread; the nominated
/// address is published for the sending thread.
/// </summary>
public sealed class IceLiteAgent
{
    private const int MaxVerifiedAddresses = 8;

    private readonly SocketAddress?[] _verified = new SocketAddress?[MaxVerifiedAddresses];
    private readonly StunTransactionMemory _seen = new();
    private int _nextVerified;
    private Credentials _credentials;
    private SocketAddress? _nominated;
    private long _lastValidCheckTicks;
    private long _badIntegrity;
    private long _ignored;
    private long _errorResponses;
    private long _validChecks;
    private long _unauthenticated;
    private long _replayed;

    public IceLiteAgent(IceCredentials local, IceCredentials remote)
    {
        _credentials = new Credentials(local, remote);
        _lastValidCheckTicks = Environment.TickCount64;
    }

    public IceCredentials LocalCredentials => Volatile.Read(ref _credentials).Local;

    public IceCredentials RemoteCredentials => Volatile.Read(ref _credentials).Remote;

    /// <summary>Where media goes: the source of the latest nominating check, or null before nomination.</summary>
    public SocketAddress? NominatedAddress => Volatile.Read(ref _nominated);

    /// <summary>Environment.TickCount64 of the last check that verified (start time before any).</summary>
    public long LastValidCheckTicks => Volatile.Read(ref _lastValidCheckTicks);

    public long BadIntegrityCount => Volatile.Read(ref _badIntegrity);

    public long ErrorResponseCount => Volatile.Read(ref _errorResponses);

    /// <summary>Datagrams that are not a well-formed STUN Binding request: dropped without an answer.</summary>
    public long IgnoredCount => Volatile.Read(ref _ignored);

    public long ValidCheckCount => Volatile.Read(ref _validChecks);

    /// <summary>Binding requests without USERNAME or MESSAGE-INTEGRITY, or for a ufrag that is not ours: no answer.</summary>
    public long UnauthenticatedCount => Volatile.Read(ref _unauthenticated);

    /// <summary>Verified checks whose transaction id had been seen from another address: replays, no answer.</summary>
    public long ReplayedCount => Volatile.Read(ref _replayed);

    /// <summary>
    /// ICE restart (RFC 8445 §9): new credentials on both sides. The nominated address keeps carrying media until
    /// a check with the new credentials nominates again, and until the first such check verifies, checks with the
    /// previous credentials are still answered: the browser keeps its consent checks (RFC 7675) on the old pair going
    /// with the old ufrag while the restart completes, and an error to one of those would be a consent failure.
    /// </summary>
    public void Restart(IceCredentials local, IceCredentials remote)
    {
        var current = Volatile.Read(ref _credentials);
        Volatile.Write(ref _credentials, new Credentials(local, remote, current with { Previous = null }));
    }

    /// <summary>True when a check from this address has verified: DTLS and SRTP are accepted from it.</summary>
    public bool IsVerified(SocketAddress address)
    {
        foreach (var verified in _verified)
        {
            if (verified is not null && verified.Equals(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Handles one STUN datagram from <paramref name="source"/>; when a response is due it is written into
    /// <paramref name="response"/> and its length returned in <paramref name="responseLength"/>.
    /// </summary>
    public IceCheckOutcome HandleRequest(ReadOnlySpan<byte> datagram, SocketAddress source, Span<byte> response, out int responseLength)
    {
        responseLength = 0;
        if (!StunMessage.TryParse(datagram, out var request) ||
            request.Method != StunMethod.Binding || request.Class != StunClass.Request)
        {
            Interlocked.Increment(ref _ignored);
            return IceCheckOutcome.Ignored;
        }

        // RFC 8489 §9.1.3 would answer these 400 and 401; we answer nothing: a check without our credentials is not
        // from the browser of this call, and an error would tell a scanner the port is live (Kamailio's and
        // Asterisk's media ports stay just as silent to strangers).
        var current = Volatile.Read(ref _credentials);
        if (!request.TryGetAttribute(StunAttributeType.Username, out var username) ||
            !(request.HasMessageIntegrity || request.HasMessageIntegritySha256))
        {
            Interlocked.Increment(ref _unauthenticated);
            return IceCheckOutcome.Unauthenticated;
        }

        Credentials credentials;
        if (UsernameIsForUs(username, current))
        {
            credentials = current;
        }
        else if (current.Previous is { } previous && UsernameIsForUs(username, previous))
        {
            credentials = previous;
        }
        else
        {
            Interlocked.Increment(ref _unauthenticated);
            return IceCheckOutcome.Unauthenticated;
        }

        // A forged or stale check gets nothing back, not even an error that would confirm the port is live.
        if (!request.VerifyAnyMessageIntegrity(credentials.Local.PasswordBytes) ||
            (request.HasFingerprint && !request.VerifyFingerprint()))
        {
            Interlocked.Increment(ref _badIntegrity);
            return IceCheckOutcome.BadIntegrity;
        }

        // Only verified checks are remembered, so a stranger cannot fill the memory with ids of its own.
        var seen = _seen.Find(request.TransactionId, source);
        if (seen == StunTransactionSeen.FromAnotherAddress)
        {
            Interlocked.Increment(ref _replayed);
            return IceCheckOutcome.Replayed;
        }

        if (seen == StunTransactionSeen.New)
        {
            _seen.Remember(request.TransactionId, source);
        }

        // We are lite, hence always controlled (RFC 8445 §6.1.1): a peer that also claims the controlled role
        // must switch, which 487 tells it (§7.3.1.1).
        if (request.HasAttribute(StunAttributeType.IceControlled))
        {
            responseLength = WriteError(response, request.TransactionId, 487, "Role Conflict", credentials.Local.PasswordBytes);
            return IceCheckOutcome.ErrorResponse;
        }

        var writer = new StunMessageWriter(response, StunMessageType.BindingSuccessResponse, request.TransactionId);
        writer.AddXorMappedAddress(StunAddress.From(source));
        writer.AddMessageIntegrity(credentials.Local.PasswordBytes);
        writer.AddFingerprint();
        responseLength = writer.Length;

        Interlocked.Increment(ref _validChecks);
        Volatile.Write(ref _lastValidCheckTicks, Environment.TickCount64);
        if (ReferenceEquals(credentials, current) && current.Previous is not null)
        {
            // The restart has its first verified check: the old credentials are done (unless a newer restart raced us).
            Interlocked.CompareExchange(ref _credentials, current with { Previous = null }, current);
        }

        var known = IsVerified(source);
        SocketAddress? copy = null;
        if (!known)
        {
            copy = Copy(source);
            _verified[_nextVerified] = copy;
            _nextVerified = (_nextVerified + 1) % MaxVerifiedAddresses;
        }

        if (request.HasAttribute(StunAttributeType.UseCandidate))
        {
            var nominated = Volatile.Read(ref _nominated);
            if (nominated is null || !nominated.Equals(source))
            {
                Volatile.Write(ref _nominated, copy ?? Copy(source));
                return IceCheckOutcome.Nominated;
            }
        }

        return IceCheckOutcome.Success;
    }

    private int WriteError(Span<byte> response, ReadOnlySpan<byte> transactionId, int code, string reason, byte[] key)
    {
        Interlocked.Increment(ref _errorResponses);
        var writer = new StunMessageWriter(response, StunMessageType.BindingErrorResponse, transactionId);
        writer.AddErrorCode(code, reason);
        writer.AddMessageIntegrity(key);

        writer.AddFingerprint();
        return writer.Length;
    }

    /// <summary>RFC 8445 §7.2.2: USERNAME is "our ufrag:their ufrag" on checks sent to us.</summary>
    private static bool UsernameIsForUs(ReadOnlySpan<byte> username, Credentials credentials)
    {
        Span<byte> expected = stackalloc byte[256];
        var ufrag = credentials.Local.UsernameFragment;
        if (Encoding.UTF8.GetMaxByteCount(ufrag.Length) + 1 > expected.Length)
        {
            return false;
        }

        var length = Encoding.UTF8.GetBytes(ufrag, expected);
        expected[length++] = (byte)':';
        return username.StartsWith(expected[..length]);
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.CopyTo(copy.Buffer);
        return copy;
    }

    private sealed record Credentials(IceCredentials Local, IceCredentials Remote, Credentials? Previous = null);
}
