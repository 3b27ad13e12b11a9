#!/usr/bin/env bash
# The soak of issue 11, outside ./test.sh (it takes about 15 minutes): builds PbxBridge and the load generator in
# Release, starts PbxBridge with the demo PBX, warms it up (10 sequential + 100 concurrent calls, not judged), waits
# until it is idle and samples it: open fds (/proc/PID/fd), UDP sockets (its socket inodes in /proc/net/udp + udp6),
# threads (/proc/PID/status) and the managed heap after a full GC (POST /api/diagnostics/heap, loopback only).
# Then 1,000 sequential calls and 100 concurrent ones (real WebRTC legs: SIP/WSS, ICE, DTLS-SRTP, Opus, to the
# echo extension 600), idle again, sample again. It fails (exit 1) when a call failed, when an idle gauge (calls,
# WebSockets, dialogs, transactions, registrations, rented ports) does not return to 0, or when a figure grew by
# more than 10 % (threads may grow by 2 and the 2-4 MiB heap by 512 KiB: see SoakBudget.cs).
# Extra arguments go to the load generator, e.g.
#   bench/soak.sh --sequential 1000 --concurrent 100 --hold 10 --tolerance 0.10 [--port 18443]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release -v quiet -nologo src/PbxBridge/PbxBridge.csproj >&2
dotnet build -c Release -v quiet -nologo bench/PbxBridge.LoadGen/PbxBridge.LoadGen.csproj >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" >&2
exec dotnet bench/PbxBridge.LoadGen/bin/Release/net10.0/pbxbridge-loadgen.dll \
  --pbxbridge-dll src/PbxBridge/bin/Release/net10.0/pbxbridge.dll --mode soak --state-dir "${TMPDIR:-/tmp}/pbxbridge-soak" \
  --sequential 1000 --concurrent 100 --hold 10 "$@"
