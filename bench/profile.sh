#!/usr/bin/env bash
# Where PbxBridge's CPU goes under load (issue 21): runs the load generator (bench/loadgen.sh, PbxBridge only, the
# ARI simulator as Asterisk) at --calls N, and while those N calls are held records PbxBridge's process with
# `perf record -g` (Debian linux-perf, installed here when `perf` is missing) with DOTNET_PerfMapEnabled=1 and
# DOTNET_EnableWriteXorExecute=0 (W^X maps jitted code from a memfd, which perf cannot match to /tmp/perf-PID.map), so
# managed frames have their method names, then splits the samples with bench/perf-split.py into libopus, kernel by syscall,
# SRTP (OpenSSL and managed), GC, the runtime, and the top managed methods.
#   bench/profile.sh [--calls 50] [--seconds 20] [--out DIR] [-- more load generator options, e.g. --pbxbridge-dll X]
# Not part of ./test.sh: it takes minutes and its split depends on the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
calls=50
seconds=20
out="$(mktemp -d /tmp/pbxbridge-profile.XXXXXX)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --calls) calls="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --out) out="$2"; mkdir -p "$out"; shift 2 ;;
    --) shift; break ;;
    *) echo "profile.sh: unknown option $1 (extra load generator options go after --)" >&2; exit 64 ;;
  esac
done
if ! command -v perf >/dev/null; then
  apt-get install -y -o DPkg::Lock::Timeout=300 linux-perf >&2
fi
command -v python3 >/dev/null || apt-get install -y -o DPkg::Lock::Timeout=300 python3 >&2
hold=$((seconds + 10))
bench/loadgen.sh --targets pbxbridge --calls "$calls" --hold "$hold" --state-dir "$out/state" \
  --pbxbridge-env DOTNET_PerfMapEnabled=1 --pbxbridge-env DOTNET_EnableWriteXorExecute=0 "$@" >"$out/loadgen.out" 2>"$out/loadgen.err" &
loadgen=$!
pid=""
until grep -q "holding [0-9]* calls" <(sed -n '/pbxbridge: '"$calls"' calls/,$p' "$out/loadgen.err"); do
  if ! kill -0 "$loadgen" 2>/dev/null; then
    echo "profile.sh: the load generator ended before holding $calls calls:" >&2
    tail -20 "$out/loadgen.err" >&2
    exit 1
  fi
  sleep 1
done
pid="$(sed -n 's/.*PbxBridge pid \([0-9]*\) on port.*/\1/p' "$out/loadgen.err" | head -1)"
echo "profile.sh: recording PbxBridge pid $pid for $seconds s while $calls calls are held (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
perf record -F 999 -g -p "$pid" -o "$out/perf.data" -- sleep "$seconds" 2>"$out/perf-record.err"
perf script -i "$out/perf.data" -F comm,tid,period,ip,sym,dso 2>/dev/null | python3 bench/perf-split.py | tee "$out/split.txt"
wait "$loadgen" || true
grep -A3 "^target" "$out/loadgen.out" >&2 || true
echo "profile.sh: perf data, split and load generator output in $out (load average now $(cut -d' ' -f1-3 /proc/loadavg))" >&2
