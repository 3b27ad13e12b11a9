using System.Runtime.InteropServices;

namespace PbxBridge.Media.Opus;

/// <summary>
/// Checks once, at startup, that the native codec is present, so a missing package is one clear error naming the
/// fix instead of a DllNotFoundException in the first call's media thread.
/// </summary>
public static class OpusLibrary
{
    private static volatile bool s_verified;

    /// <summary>Throws <see cref="OpusLibraryMissingException"/> unless libopus.so.0 loads and exports what we call.</summary>
    public static void EnsureAvailable()
    {
        if (!s_verified)
        {
            EnsureAvailable(OpusNative.LibraryName);
            s_verified = true;
        }
    }

    /// <summary>The library's own version text, e.g. "libopus 1.3.1".</summary>
    public static string VersionString
    {
        get
        {
            EnsureAvailable();
            return Marshal.PtrToStringUTF8(OpusNative.GetVersionString()) ?? "libopus (unknown version)";
        }
    }

    internal static void EnsureAvailable(string libraryName)
    {
        if (!NativeLibrary.TryLoad(libraryName, typeof(OpusLibrary).Assembly, DllImportSearchPath.SafeDirectories, out var library))
        {
            throw new OpusLibraryMissingException(
                $"{OpusLibraryMissingException.DefaultMessage}; '{libraryName}' could not be loaded.");
        }

        // A library of the right name without the decoder entry point is not libopus.
        if (!NativeLibrary.TryGetExport(library, "opus_decoder_create", out _))
        {
            throw new OpusLibraryMissingException(
                $"{OpusLibraryMissingException.DefaultMessage}; '{libraryName}' does not export opus_decoder_create.");
        }
    }
}
