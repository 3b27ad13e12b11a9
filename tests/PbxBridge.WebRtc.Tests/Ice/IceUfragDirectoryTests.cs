using System.Text;
using PbxBridge.WebRtc.Ice;

namespace PbxBridge.WebRtc.Tests.Ice;

/// <summary>
/// The one ufrag-to-leg map behind the ICE-TCP opener and the single UDP port: a check's USERNAME ("our ufrag:their
/// ufrag") names the leg, a leg removes only its own entry, and a lookup allocates nothing (the single port does one
/// per STUN check).
/// </summary>
public sealed class IceUfragDirectoryTests
{
    [Fact]
    public void A_check_s_username_finds_the_leg_by_the_part_before_the_colon()
    {
        var directory = new IceUfragDirectory<Leg>();
        var first = new Leg();
        var second = new Leg();
        directory.Register("abcd", first);
        directory.Register("wxyz", second);

        Assert.True(directory.TryFind(Username("wxyz:browserUfrag"), out var found));
        Assert.Same(second, found);
        Assert.True(directory.TryFind(Username("abcd:x"), out found));
        Assert.Same(first, found);
        Assert.Equal(2, directory.Count);
    }

    [Theory]
    [InlineData("abcd")]
    [InlineData(":abcd")]
    [InlineData("abc:abcd")]
    [InlineData("ABCD:x")]
    [InlineData("abcde:x")]
    public void A_username_naming_no_registered_ufrag_finds_nothing(string username)
    {
        var directory = new IceUfragDirectory<Leg>();
        directory.Register("abcd", new Leg());

        Assert.False(directory.TryFind(Username(username), out var found));
        Assert.Null(found);
    }

    [Fact]
    public void A_ufrag_longer_than_rfc_8445_allows_or_not_utf8_finds_nothing()
    {
        var directory = new IceUfragDirectory<Leg>();
        var longUfrag = new string('a', 257);
        directory.Register(longUfrag, new Leg());

        Assert.False(directory.TryFind(Username(longUfrag + ":x"), out _));
        Assert.False(directory.TryFind([0xFF, 0xFE, (byte)':', (byte)'x'], out _));
    }

    [Fact]
    public void A_leg_removes_only_its_own_entry_so_the_leg_that_took_the_ufrag_over_keeps_it()
    {
        var directory = new IceUfragDirectory<Leg>();
        var ended = new Leg();
        var current = new Leg();
        directory.Register("abcd", ended);
        directory.Register("abcd", current);

        directory.Unregister("abcd", ended);
        Assert.True(directory.TryFind(Username("abcd:x"), out var found));
        Assert.Same(current, found);

        directory.Unregister("abcd", current);
        Assert.False(directory.TryFind(Username("abcd:x"), out _));
        Assert.Equal(0, directory.Count);
    }

    [Fact]
    public void A_lookup_allocates_nothing()
    {
        var directory = new IceUfragDirectory<Leg>();
        directory.Register("abcd", new Leg());
        var hit = Username("abcd:browserUfrag");
        var miss = Username("nope:browserUfrag");
        directory.TryFind(hit, out _);
        directory.TryFind(miss, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            directory.TryFind(hit, out _);
            directory.TryFind(miss, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static byte[] Username(string value) => Encoding.UTF8.GetBytes(value);

    private sealed class Leg;
}
