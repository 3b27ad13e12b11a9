namespace PbxBridge.Net;

/// <summary>A socket's registration on a <see cref="MediaEventLoop"/>, to give back to <see cref="MediaEventLoop.UnwatchAsync"/>.</summary>
public readonly record struct DatagramWatch(int Slot, uint Generation);
