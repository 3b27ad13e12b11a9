#!/usr/bin/env python3
"""Splits `perf script` output of one PbxBridge process into where its CPU went (issue 21).

Input on stdin: `perf script -F comm,tid,period,ip,sym,dso` of a `perf record -g` (DOTNET_PerfMapEnabled=1, so managed
frames carry their method names from /tmp/perf-PID.map). Each sample is weighted by its period (CPU clock, ns) and
put in exactly one bucket, by its leaf frame, the frame it was executing:
  libopus                    leaf in libopus.so (the Opus encode/decode itself)
  kernel: <syscall>          leaf in the kernel, under the syscall found in its call chain (sendmsg, recvmsg, ...)
  kernel: no syscall ...     leaf in the kernel without one (interrupts, softirq network receive, scheduler ticks)
  SRTP crypto (OpenSSL)      leaf in libcrypto/libssl: AES and HMAC-SHA1 that .NET's Aes/IncrementalHash call
  SRTP managed               leaf in a managed method of PbxBridge.WebRtc.Srtp (key stream XOR, tags, replay)
  GC                         leaf in coreclr's garbage collector (WKS::/SVR:: gc_heap, mark, plan, sweep ...)
  runtime (coreclr other)    the rest of libcoreclr (type checks, stubs, thread pool native side ...)
  JIT                        libclrjit
  managed: <method>          any other managed frame (the top 10 listed, the rest summed)
  native other               libc, libSystem.Native and the rest
Prints a table (share of the process's samples) and a JSON line.
"""
import collections
import json
import re
import sys

GC = re.compile(r"(WKS::|SVR::|gc_heap|GCHeap|GarbageCollect|\bgc_|_gc\b|Gen2|mark_object|plan_phase|relocate_phase|sweep|memclr)", re.I)


def syscall_name(function):
    name = function.lstrip("_")
    for prefix in ("x64_sys_", "ia32_sys_", "se_sys_", "do_sys_", "sys_", "ksys_", "do_"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return name


def classify(chain):
    """chain: [(sym, dso)] leaf first."""
    sym, dso = chain[0]
    d = dso.lower()
    if "libopus" in d:
        return "libopus"
    if "kernel" in d:
        # Leaf first: the syscall's own function is the frame just under do_syscall_64 (e.g. __sys_sendmsg, or
        # do_epoll_wait). On loopback the receiver's softirq work runs inside the sender's sendmsg and is billed there.
        for i, (s, _) in enumerate(chain):
            if s.startswith("do_syscall_64") and i > 0:
                under = chain[i - 1][0]
                return "kernel: " + ("return from a syscall (reschedule, signals)" if "exit_to_user_mode" in under else syscall_name(under))
        return "kernel: no syscall (interrupts, softirq, scheduler)"
    if "libcrypto" in d or "libssl" in d:
        return "SRTP crypto (OpenSSL)"
    if "libcoreclr" in d:
        return "GC" if GC.search(sym) else "runtime (coreclr other)"
    if "libclrjit" in d:
        return "JIT"
    if "perf-" in d and d.endswith(".map") or "doublemapper" in d or d.startswith("[jit]"):
        if "PbxBridge.WebRtc.Srtp" in sym:
            return "SRTP managed"
        return "managed: " + re.sub(r"\[[^\]]*\]$", "", sym).strip()
    return "native other: " + dso.rsplit("/", 1)[-1]


def main():
    weights = collections.Counter()
    total = 0
    chain = []
    period = 0

    def flush():
        nonlocal total
        if chain:
            weights[classify(chain)] += period
            total += period

    for line in sys.stdin:
        if not line.strip():
            flush()
            chain, period = [], 0
            continue
        if not line[0].isspace():
            flush()
            chain = []
            fields = line.split()
            period = int(fields[2]) if len(fields) > 2 and fields[2].isdigit() else 1
            continue
        m = re.match(r"\s*([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$", line)
        if m:
            sym = re.sub(r"\+0x[0-9a-f]+$", "", m.group(2))
            chain.append((sym, m.group(3)))
    flush()
    if total == 0:
        sys.exit("perf-split: no samples")

    groups = collections.Counter()
    managed = collections.Counter()
    kernel = collections.Counter()
    native = collections.Counter()
    for key, w in weights.items():
        if key.startswith("managed: "):
            groups["managed (not SRTP)"] += w
            managed[key[9:]] += w
        elif key.startswith("kernel: "):
            groups["kernel"] += w
            kernel[key[8:]] += w
        elif key.startswith("native other: "):
            groups["native other"] += w
            native[key[14:]] += w
        else:
            groups[key] += w

    pct = lambda w: round(100.0 * w / total, 1)
    print(f"{'bucket':<60} {'% of process':>12}")
    for key, w in groups.most_common():
        print(f"{key:<60} {pct(w):>12.1f}")
        sub = {"kernel": kernel, "managed (not SRTP)": managed, "native other": native}.get(key)
        if sub is not None:
            for name, sw in sub.most_common(10 if key != "kernel" else 12):
                print(f"  {name[:150]:<150} {pct(sw):>6.1f}")
    print(json.dumps({
        "samples_weight": total,
        "split_pct": {k: pct(w) for k, w in groups.most_common()},
        "kernel_by_syscall_pct": {k: pct(w) for k, w in kernel.most_common()},
        "managed_top10_pct": {k: pct(w) for k, w in managed.most_common(10)},
        "native_other_pct": {k: pct(w) for k, w in native.most_common(5)},
    }))


main()
