using System.Runtime.InteropServices;

namespace PbxBridge.Media.Opus;

/// <summary>
/// The slice of the libopus C API (opus.h, libopus 1.3) PbxBridge uses, bound to Debian's `libopus.so.0`.
/// Pointers are raw here; <see cref="OpusDecoderHandle"/> and <see cref="OpusEncoderHandle"/> own their lifetime.
/// </summary>
internal static unsafe partial class OpusNative
{
    public const string LibraryName = "libopus.so.0";

    public const int OpusOk = 0;
    public const int ApplicationVoip = 2048;
    public const int SignalVoice = 3001;

    public const int SetBitrateRequest = 4002;
    public const int SetVbrRequest = 4006;
    public const int SetComplexityRequest = 4010;
    public const int SetInbandFecRequest = 4012;
    public const int SetPacketLossPercRequest = 4014;
    public const int SetDtxRequest = 4016;
    public const int SetSignalRequest = 4024;

    [LibraryImport(LibraryName, EntryPoint = "opus_decoder_create")]
    public static partial nint DecoderCreate(int sampleRate, int channels, out int error);

    [LibraryImport(LibraryName, EntryPoint = "opus_decode")]
    public static partial int Decode(nint decoder, byte* data, int length, short* pcm, int frameSize, int decodeFec);

    [LibraryImport(LibraryName, EntryPoint = "opus_decoder_destroy")]
    public static partial void DecoderDestroy(nint decoder);

    [LibraryImport(LibraryName, EntryPoint = "opus_encoder_create")]
    public static partial nint EncoderCreate(int sampleRate, int channels, int application, out int error);

    [LibraryImport(LibraryName, EntryPoint = "opus_encode")]
    public static partial int Encode(nint encoder, short* pcm, int frameSize, byte* data, int maxDataBytes);

    /// <summary>
    /// opus_encoder_ctl is variadic in C. On x86-64 System V (and Linux AArch64) a variadic int travels in the same
    /// register as a fixed one, and the callee reads it with va_arg, so a fixed-arity binding with one int is
    /// correct for every SET request used here. It would NOT be on ABIs that pass variadics on the stack (Apple arm64).
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "opus_encoder_ctl")]
    public static partial int EncoderCtl(nint encoder, int request, int value);

    [LibraryImport(LibraryName, EntryPoint = "opus_encoder_destroy")]
    public static partial void EncoderDestroy(nint encoder);

    [LibraryImport(LibraryName, EntryPoint = "opus_packet_get_nb_samples")]
    public static partial int PacketGetNbSamples(byte* packet, int length, int sampleRate);

    [LibraryImport(LibraryName, EntryPoint = "opus_get_version_string")]
    public static partial nint GetVersionString();

    [LibraryImport(LibraryName, EntryPoint = "opus_strerror")]
    public static partial nint StrError(int error);
}
