#!/usr/bin/env bash
# The one command behind docs/performance.md: builds PbxBridge and the load generator in Release, then
#   1. measures the libopus-only ceiling in-process,
#   2. starts PbxBridge (configured for Asterisk, the ARI simulator playing Asterisk and its echo extension 600
#      inside the load generator; --pbx demo for the demo PBX inside PbxBridge) and holds 10, 50, 100 concurrent
#      browser legs (SIP/WSS, ICE, DTLS, SRTP, Opus at 50 packets/s) against it, timing one-way latency both ways,
#   3. starts rtpengine (Debian rtpengine-daemon, userspace) and holds the same numbers of opus <-> PCMU calls
#      (Opus side over ICE/DTLS-SRTP like the browser legs; --rtpengine-opus-side rtp for plain RTP),
# and prints a table and a final JSON line. Extra arguments go to the load generator, e.g.
#   bench/loadgen.sh --calls 10,50,100 --hold 25 --complexity 5 [--wav /abs/speech48k.wav | --speech] [--usedtx 1] [--rtpengine ""]
#     [--transport udp,tcp [--ice-tcp-port N]]   (the PbxBridge legs over UDP and over ICE-TCP, side by side)
# rtpengine-daemon is installed with apt-get when the comparison is asked for and /usr/bin/rtpengine is missing.
# It is not part of ./test.sh: it takes minutes and its figures depend on the machine.
# --nodes 1,3: the calls spread over N PbxBridge nodes (Cluster:NodeId) behind the shipped HAProxy front, one cluster
# size after the other, whole-cluster calls per core against one node's in the same run (Debian haproxy installed if
# missing; --front none skips it).
# --speech: every leg sends two espeak-ng sentences with their pauses (made now from Debian's espeak-ng and sox,
# installed if missing) instead of the generated signal; the echo sends them back, so both directions carry speech.
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
for arg in "$@"; do
  if [[ "$arg" == "--speech" ]]; then
    if ! command -v espeak-ng >/dev/null || ! command -v sox >/dev/null; then
      apt-get install -y -o DPkg::Lock::Timeout=300 espeak-ng sox >&2
    fi
    speech="$(mktemp -d)"
    espeak-ng -v en-us -s 150 -w "$speech/s1.wav" "Thank you for calling. Your call is important to us. Please hold while we connect you to the next available agent."
    espeak-ng -v en-us -s 140 -w "$speech/s2.wav" "I can see your order here. It was shipped on Monday, and it should arrive by Thursday afternoon."
    sox "$speech/s1.wav" -r 48000 -c 1 -b 16 "$speech/p1.wav"
    sox "$speech/s2.wav" -r 48000 -c 1 -b 16 "$speech/p2.wav"
    sox "$speech/p1.wav" "$speech/p2.wav" "$speech/speech48.wav" pad 0 1
    args+=(--wav "$speech/speech48.wav")
  else
    args+=("$arg")
  fi
done
set -- "${args[@]+"${args[@]}"}"
# The rtpengine comparison (asked for unless --targets leaves it out or --rtpengine "" skips it) needs Debian's
# rtpengine-daemon: install it here so a fresh machine gives the same-run figure instead of skipping it. Only the
# binary is used (the load generator starts it userspace-only on its own ports), so its packaged service stays off.
targets="pbxbridge,rtpengine"
rtpengine="/usr/bin/rtpengine"
nodes=""
front="haproxy"
for ((i = 1; i < $#; i++)); do
  case "${!i}" in
    --targets) j=$((i + 1)); targets="${!j}" ;;
    --rtpengine) j=$((i + 1)); rtpengine="${!j}" ;;
    --nodes) j=$((i + 1)); nodes="${!j}" ;;
    --front) j=$((i + 1)); front="${!j}" ;;
  esac
done
if [[ -n "$nodes" && "$front" == haproxy && ! -x /usr/sbin/haproxy ]]; then
  echo "cluster mode asked for: installing Debian haproxy (only the binary is used; its packaged service stays off)" >&2
  apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 haproxy >&2
  if command -v systemctl >/dev/null && systemctl is-active --quiet haproxy 2>/dev/null; then
    systemctl stop haproxy >&2 || true
  fi
fi
if [[ ",$targets," == *",rtpengine,"* && -n "$rtpengine" && ! -x "$rtpengine" && "$rtpengine" == /usr/bin/rtpengine ]]; then
  echo "rtpengine comparison asked for: installing Debian rtpengine-daemon" >&2
  if ! apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 rtpengine-daemon >&2; then
    # E.g. inside a network namespace with no route out: install it once outside, the run itself needs no network.
    echo "loadgen: installing rtpengine-daemon failed (above); the rtpengine comparison will be skipped" >&2
  fi
  if command -v systemctl >/dev/null && systemctl is-active --quiet rtpengine-daemon 2>/dev/null; then
    systemctl stop rtpengine-daemon >&2 || true
  fi
fi
dotnet build -c Release -v quiet -nologo src/PbxBridge/PbxBridge.csproj >&2
dotnet build -c Release -v quiet -nologo bench/PbxBridge.LoadGen/PbxBridge.LoadGen.csproj >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" >&2
exec dotnet bench/PbxBridge.LoadGen/bin/Release/net10.0/pbxbridge-loadgen.dll \
  --pbxbridge-dll src/PbxBridge/bin/Release/net10.0/pbxbridge.dll "$@"
