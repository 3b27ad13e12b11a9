#!/usr/bin/env bash
# The one command behind docs/performance.md: builds PbxBridge and the load generator in Release, then
#   1. measures the libopus-only ceiling in-process,
#   2. starts PbxBridge (configured for Asterisk, the ARI simulator playing Asterisk and its echo extension 600
#      inside the load generator; --pbx demo for the demo PBX inside PbxBridge) and holds 10, 50, 100 concurrent
#      browser legs (SIP/WSS, ICE, DTLS, SRTP, Opus at 50 packets/s) against it, timing one-way latency both ways,
#   3. starts rtpengine (Debian rtpengine-daemon, userspace) and holds the same numbers of opus <-> PCMU calls
#      (Opus side over ICE/DTLS-SRTP like the browser legs; --rtpengine-opus-side rtp for plain RTP),
# and prints a table and a final JSON line. Extra arguments go to the load generator, e.g.
#   bench/loadgen.sh --calls 10,50,100 --hold 25 --complexity 5 [--wav /abs/speech48k.wav] [--rtpengine ""]
# It is not part of ./test.sh: it takes minutes and its figures depend on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release -v quiet -nologo src/PbxBridge/PbxBridge.csproj >&2
dotnet build -c Release -v quiet -nologo bench/PbxBridge.LoadGen/PbxBridge.LoadGen.csproj >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" >&2
exec dotnet bench/PbxBridge.LoadGen/bin/Release/net10.0/pbxbridge-loadgen.dll \
  --pbxbridge-dll src/PbxBridge/bin/Release/net10.0/pbxbridge.dll "$@"
