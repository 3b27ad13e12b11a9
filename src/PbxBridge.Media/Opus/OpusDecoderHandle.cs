using System.Runtime.InteropServices;

namespace PbxBridge.Media.Opus;

/// <summary>Owns one native OpusDecoder*; released with opus_decoder_destroy exactly once.</summary>
internal sealed class OpusDecoderHandle : SafeHandle
{
    public OpusDecoderHandle(nint decoder)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(decoder);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        OpusNative.DecoderDestroy(handle);
        return true;
    }
}
