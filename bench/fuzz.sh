#!/usr/bin/env bash
# The long fuzz runs, outside the test suite (CI runs 10,000 inputs per target in tests/PbxBridge.Fuzzing.Tests):
#   bench/fuzz.sh [--inputs 1000000] [--seed 11] [--target sip|sdp|stun|dtls|rtp|rtcp|srtp|srtp-gcm|srtcp|srtcp-gcm|pbx-rtp|esl|ari|all]
#   bench/fuzz.sh --target sip --seed 11 --only 15999      one input again, as a failure report prints it
# Builds in Release, then runs each target in its own process (so its peak working set is its own) and prints per
# target: inputs/s, accepted, rejected, rejections counted by the component, exceptions, heap growth, peak working set.
# Exits non-zero if any target let an exception escape or broke a rule (1), left a rejection uncounted or grew the
# heap past the bound (2), or hung on one input (3); any other status is the process dying (out of memory under the
# 256 MiB managed heap limit set below, for one). docs/fuzzing.md has the figures of the last full run.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=all
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target) targets="$2"; shift 2 ;;
    *) pass+=("$1"); shift ;;
  esac
done
[ "$targets" = all ] && targets="sip,sdp,stun,dtls,rtp,rtcp,srtp,srtp-gcm,srtcp,srtcp-gcm,pbx-rtp,esl,ari"
dotnet build -c Release -v quiet -nologo bench/PbxBridge.Fuzz/PbxBridge.Fuzz.csproj >&2
# A hard limit on the managed heap turns "memory grows with the inputs" into a crash instead of a slow machine.
export DOTNET_GCHeapHardLimit="${DOTNET_GCHeapHardLimit:-0x10000000}"
echo "managed heap limit: $((DOTNET_GCHeapHardLimit / 1048576)) MiB" >&2
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(dotnet --version)" >&2
status=0
IFS=, read -ra list <<< "$targets"
for target in "${list[@]}"; do
  dotnet bench/PbxBridge.Fuzz/bin/Release/net10.0/pbxbridge-fuzz.dll --target "$target" "${pass[@]}" || {
    code=$?
    [ "$code" -gt "$status" ] && status=$code
  }
done
exit "$status"
