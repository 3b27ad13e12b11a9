using System.Globalization;

namespace PbxBridge.LoadGen.Soak;

/// <summary>
/// What a leak would grow, read from outside the process: open file descriptors (/proc/PID/fd), UDP sockets (the
/// process's socket inodes that /proc/net/udp or udp6 list), threads (/proc/PID/status), RSS, and the managed heap
/// after a full collection (PbxBridge's loopback-only POST /api/diagnostics/heap).
/// </summary>
internal sealed record ResourceSample(string Label, int OpenFds, int UdpSockets, int Threads, long HeapBytes, long RssKb, IReadOnlyDictionary<string, int> ThreadNames)
{
    public static ResourceSample Take(string label, int pid, long heapBytes)
    {
        var sockets = new HashSet<string>(StringComparer.Ordinal);
        var fds = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            fds++;
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                sockets.Add(target[8..^1]);
            }
        }

        var udp = 0;
        foreach (var table in new[] { "/proc/net/udp", "/proc/net/udp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            // proc(5): sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && sockets.Contains(fields[9]))
                {
                    udp++;
                }
            }
        }

        int threads = 0;
        long rss = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
            {
                threads = int.Parse(line[8..].Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return new ResourceSample(label, fds, udp, threads, heapBytes, rss, ThreadNamesOf(pid));
    }

    /// <summary>Thread names (/proc/PID/task/TID/comm, 15 characters) and how many carry each: where a thread leak lives.</summary>
    private static Dictionary<string, int> ThreadNamesOf(int pid)
    {
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                names[name] = names.GetValueOrDefault(name) + 1;
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return names;
    }

    /// <summary>Names whose count differs from <paramref name="before"/>, as "name before->after".</summary>
    public string ThreadNamesChangedSince(ResourceSample before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var changes = new List<string>();
        foreach (var name in ThreadNames.Keys.Union(before.ThreadNames.Keys).Order(StringComparer.Ordinal))
        {
            var was = before.ThreadNames.GetValueOrDefault(name);
            var now = ThreadNames.GetValueOrDefault(name);
            if (was != now)
            {
                changes.Add(string.Create(CultureInfo.InvariantCulture, $"'{name}' {was}->{now}"));
            }
        }

        return string.Join(", ", changes);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Label,-22} fds {OpenFds,5}  udp {UdpSockets,4}  threads {Threads,4}  heap {HeapBytes / 1024.0,9:F0} KiB  rss {RssKb,8} KiB");
}
