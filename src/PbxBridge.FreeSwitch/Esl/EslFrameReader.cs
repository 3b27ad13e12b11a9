using System.Globalization;
using System.Text;

namespace PbxBridge.FreeSwitch.Esl;

/// <summary>
/// Reads <see cref="EslMessage"/> frames off a byte stream the way libs/esl/src/esl.c does: header lines up to an
/// empty line (LF, CR tolerated), then a body only if Content-Length is present. Not thread-safe: one reader task.
/// </summary>
public sealed class EslFrameReader
{
    /// <summary>Outbound-socket CHANNEL_DATA carries ~100 headers without a Content-Length; 1 MiB is far above that.</summary>
    public const int MaxHeaderBlockBytes = 1 << 20;

    /// <summary>A BACKGROUND_JOB body (e.g. `show channels as json` on a busy switch) stays well below this.</summary>
    public const int MaxBodyBytes = 64 << 20;

    private readonly Stream _stream;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public EslFrameReader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
    }

    /// <summary>The next frame, or null when the peer closed the stream cleanly between frames.</summary>
    /// <exception cref="EslProtocolException">Malformed frame, or the stream ended inside one.</exception>
    public async ValueTask<EslMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var headerBytes = 0;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                if (headers.Count == 0)
                {
                    return null;
                }

                throw new EslProtocolException("connection closed inside an ESL header block");
            }

            headerBytes += line.Length + 1;
            if (headerBytes > MaxHeaderBlockBytes)
            {
                throw new EslProtocolException($"ESL header block larger than {MaxHeaderBlockBytes} bytes");
            }

            if (line.Length == 0)
            {
                if (headers.Count == 0)
                {
                    continue; // stray blank line between frames
                }

                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new EslProtocolException($"ESL header line without a name: '{Truncate(line)}'");
            }

            var value = line.AsSpan(colon + 1).TrimStart(' ').ToString();
            headers.Add(new KeyValuePair<string, string>(line[..colon], value));
        }

        var body = ReadOnlyMemory<byte>.Empty;
        var lengthText = Find(headers, "Content-Length");
        if (lengthText is not null)
        {
            if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > MaxBodyBytes)
            {
                throw new EslProtocolException($"bad ESL Content-Length '{Truncate(lengthText)}'");
            }

            body = await ReadExactlyAsync(length, cancellationToken).ConfigureAwait(false);
        }

        return new EslMessage(headers, body);
    }

    private static string? Find(List<KeyValuePair<string, string>> headers, string name)
    {
        foreach (var header in headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "...";

    private async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var searched = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', searched, _end - searched);
            if (newline >= 0)
            {
                var lineEnd = newline > _start && _buffer[newline - 1] == (byte)'\r' ? newline - 1 : newline;
                var line = Encoding.UTF8.GetString(_buffer, _start, lineEnd - _start);
                _start = newline + 1;
                return line;
            }

            searched = _end;
            if (_end - _start > MaxHeaderBlockBytes)
            {
                throw new EslProtocolException($"ESL header line longer than {MaxHeaderBlockBytes} bytes");
            }

            var before = _start;
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_end > _start)
                {
                    throw new EslProtocolException("connection closed inside an ESL header line");
                }

                return null;
            }

            searched -= before - _start;
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadExactlyAsync(int length, CancellationToken cancellationToken)
    {
        var body = new byte[length];
        var copied = Math.Min(length, _end - _start);
        Buffer.BlockCopy(_buffer, _start, body, 0, copied);
        _start += copied;
        if (copied < length)
        {
            try
            {
                await _stream.ReadExactlyAsync(body.AsMemory(copied), cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException e)
            {
                throw new EslProtocolException($"connection closed inside an ESL body of {length} bytes", e);
            }
        }

        return body;
    }

    /// <summary>Compacts the buffer, grows it when full, and reads more; false at end of stream.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var bigger = new byte[_buffer.Length * 2];
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            _buffer = bigger;
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }
}
