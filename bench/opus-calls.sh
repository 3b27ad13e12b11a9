#!/usr/bin/env bash
# What PbxBridge asks of libopus under load (issue 21's CPU regression hunt): runs the load generator (PbxBridge only,
# the ARI simulator as Asterisk) at --calls N and, from PbxBridge's start to the end of the hold, records its libopus
# calls with uprobes on the library's exported functions (perf probe; no debug symbols needed):
#   opus_encoder_create / opus_decoder_create (rate, channels, application), every opus_encoder_ctl (request, value),
#   opus_encode (which encoder, 64 input samples) and opus_decode (packet or PLC), each with its duration.
# Prints per call-second the encodes, decodes and PLC decodes, the settings the encoders got, the encoder input's level,
# and the encode/decode durations (p10/p50: p10 is the least disturbed by a busy machine, so compare builds by it,
# alternating runs). Counts and settings do not depend on the machine's load; durations do.
#   bench/opus-calls.sh [--calls 10] [--seconds 4] [--out DIR] [-- more load generator options, e.g. --pbxbridge-dll X]
# The probes (group pbxbridge_opus) are removed at the end. Needs root (uprobes). Not part of ./test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
calls=10
seconds=4
out="$(mktemp -d /tmp/pbxbridge-opus-calls.XXXXXX)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --calls) calls="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --out) out="$2"; mkdir -p "$out"; shift 2 ;;
    --) shift; break ;;
    *) echo "opus-calls.sh: unknown option $1 (extra load generator options go after --)" >&2; exit 64 ;;
  esac
done
command -v perf >/dev/null || apt-get install -y -o DPkg::Lock::Timeout=300 linux-perf >&2
lib="$(ldconfig -p | sed -n 's/.*libopus\.so\.0 .*=> //p' | head -1)"
lib="$(readlink -f "$lib")"
[[ -f "$lib" ]] || { echo "opus-calls.sh: libopus.so.0 not found (ldconfig -p)" >&2; exit 69; }
samples=""
for i in $(seq 0 63); do samples="$samples s$i=+$((i * 2))(%si):s16"; done
remove_probes() { perf probe -q -d 'pbxbridge_opus:*' 2>/dev/null || true; }
remove_probes
trap remove_probes EXIT
# x86-64 System V: arguments in rdi, rsi, rdx, rcx, r8, r9 (opus_encoder_ctl's value is its first variadic argument).
perf probe -q -x "$lib" -a 'pbxbridge_opus:encoder_create=opus_encoder_create fs=%di:s32 channels=%si:s32 application=%dx:s32'
perf probe -q -x "$lib" -a 'pbxbridge_opus:decoder_create=opus_decoder_create fs=%di:s32 channels=%si:s32'
perf probe -q -x "$lib" -a 'pbxbridge_opus:encoder_ctl=opus_encoder_ctl st=%di:x64 request=%si:s32 value=%dx:s32'
perf probe -q -x "$lib" -a "pbxbridge_opus:encode=opus_encode st=%di:x64 frame=%dx:s32$samples"
perf probe -q -x "$lib" -a 'pbxbridge_opus:encode_return=opus_encode%return bytes=$retval:s32'
perf probe -q -x "$lib" -a 'pbxbridge_opus:decode=opus_decode st=%di:x64 data=%si:x64 length=%dx:s32 fec=%r9:s32'
perf probe -q -x "$lib" -a 'pbxbridge_opus:decode_return=opus_decode%return samples=$retval:s32'
hold=$((seconds + 6))
bench/loadgen.sh --targets pbxbridge --calls "$calls" --hold "$hold" --state-dir "$out/state" "$@" \
  >"$out/loadgen.out" 2>"$out/loadgen.err" &
loadgen=$!
until grep -q "PbxBridge pid [0-9]* on port" "$out/loadgen.err" 2>/dev/null; do
  if ! kill -0 "$loadgen" 2>/dev/null; then
    echo "opus-calls.sh: the load generator ended before starting PbxBridge:" >&2
    tail -20 "$out/loadgen.err" >&2
    exit 1
  fi
  sleep 0.2
done
pid="$(sed -n 's/.*PbxBridge pid \([0-9]*\) on port.*/\1/p' "$out/loadgen.err" | head -1)"
perf record -q -e 'pbxbridge_opus:*' -p "$pid" -o "$out/opus.data" 2>"$out/perf-record.err" &
recorder=$!
until grep -q "holding [0-9]* calls" "$out/loadgen.err" 2>/dev/null; do
  kill -0 "$loadgen" 2>/dev/null || break
  sleep 0.2
done
held_from="$(date +%s.%N)"
sleep "$seconds"
held_to="$(date +%s.%N)"
kill -INT "$recorder" 2>/dev/null || true
wait "$recorder" 2>/dev/null || true
wait "$loadgen" || true
echo "opus-calls.sh: $calls calls, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
perf script -i "$out/opus.data" -F tid,time,event,trace 2>/dev/null >"$out/events.txt"
python3 - "$out/events.txt" "$calls" "$(echo "$held_to - $held_from" | bc)" <<'PY' | tee "$out/summary.txt"
import collections, math, sys
path, calls, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
def fields(parts):
    return {k: v for k, _, v in (p.partition('=') for p in parts if '=' in p)}
def signed16(v):
    v = int(v)
    return v - 65536 if v > 32767 else v
creates, ctls = collections.Counter(), collections.Counter()
started, durations, levels, counts, sizes = {}, collections.defaultdict(list), [], collections.Counter(), []
per_second = collections.defaultdict(collections.Counter)
for line in open(path):
    parts = line.split()
    if len(parts) < 3:
        continue
    tid, time, event = parts[0], float(parts[1].rstrip(':')), parts[2].rstrip(':').split(':')[-1].replace('__return', '')
    f = fields(parts[3:])
    if event in ('encoder_create', 'decoder_create'):
        creates[(event, tuple(sorted(f.items())))] += 1
    elif event == 'encoder_ctl':
        ctls[(int(f['request']), int(f['value']))] += 1
    elif event == 'encode':
        started[(tid, 'encode')] = time
        pcm = [signed16(f['s%d' % i]) for i in range(64)]
        levels.append(math.sqrt(sum(s * s for s in pcm) / 64))
        counts['encode'] += 1
    elif event == 'decode':
        kind = 'plc' if int(f['data'], 16) == 0 else ('fec' if f['fec'] != '0' else 'decode')
        started[(tid, 'decode')] = (time, kind)
        counts[kind] += 1
    elif event == 'encode_return':
        begin = started.pop((tid, 'encode'), None)
        if begin is not None:
            durations['encode'].append((time - begin) * 1e6)
            sizes.append(int(f['bytes']))
    elif event == 'decode_return':
        begin = started.pop((tid, 'decode'), None)
        if begin is not None:
            durations[begin[1]].append((time - begin[0]) * 1e6)
    if event in ('encode', 'decode'):
        per_second[int(time)][event if event == 'encode' else 'decode'] += 1
def pct(values, q):
    values = sorted(values)
    return values[int(q * (len(values) - 1))] if values else float('nan')
# Rates from the whole seconds while all calls were up (the busiest), not from call setup and teardown.
busy = sorted(per_second.values(), key=lambda c: c['encode'], reverse=True)[:max(1, int(seconds) - 1)]
names = {4002: 'BITRATE', 4010: 'COMPLEXITY', 4012: 'INBAND_FEC', 4014: 'PACKET_LOSS_PERC', 4016: 'DTX', 4024: 'SIGNAL', 4004: 'MAX_BANDWIDTH', 4008: 'BANDWIDTH', 4020: 'VBR', 4022: 'FORCE_CHANNELS', 4036: 'LSB_DEPTH'}
for (event, args), n in sorted(creates.items()):
    print('%-16s x%-4d %s' % (event, n, ' '.join('%s=%s' % kv for kv in args)))
for (request, value), n in sorted(ctls.items()):
    print('encoder_ctl      x%-4d OPUS_SET_%s = %d' % (n, names.get(request, str(request)), value))
rate = lambda k: sum(c[k] for c in busy) / (calls * len(busy)) if busy else float('nan')
print('per call-second (busiest %d s): encodes %.1f  decodes (incl. PLC, FEC) %.1f;  whole run: %d encodes, %d decodes, %d PLC, %d FEC' % (
    len(busy), rate('encode'), rate('decode'), counts['encode'], counts['decode'], counts['plc'], counts['fec']))
print('encoder input rms (64 samples): p10 %.0f p50 %.0f p90 %.0f; encoded bytes p50 %s' % (pct(levels, .1), pct(levels, .5), pct(levels, .9), pct(sizes, .5)))
for k in ('encode', 'decode', 'plc', 'fec'):
    if durations[k]:
        print('%-7s duration us: p10 %.0f  p50 %.0f  p90 %.0f  (n=%d)' % (k, pct(durations[k], .1), pct(durations[k], .5), pct(durations[k], .9), len(durations[k])))
PY
echo "opus-calls.sh: events and summary in $out" >&2
