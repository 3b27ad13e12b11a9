#!/usr/bin/env bash
# Regenerates docs/phone-in-call.png from a real call, never by hand: builds the /phone page and PbxBridge,
# starts PbxBridge (demo PBX) on a free loopback port, lets headless Chromium sign in as agent 1001, dial 601
# (the 1004 Hz tone) on the keypad and screenshot the in-call state once the incoming-audio meter shows the tone.
# Usage: docs/screenshot.sh [--no-build]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

if [[ "${1:-}" != "--no-build" ]]; then
  web/phone/build.sh
  dotnet build src/PbxBridge/PbxBridge.csproj -c Debug -nologo -v quiet -clp:ErrorsOnly
fi

work="$(mktemp -d)"
password="screenshot-$RANDOM$RANDOM"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet src/PbxBridge/bin/Debug/net10.0/pbxbridge.dll run \
  --Http:ListenAddress=127.0.0.1 --Http:Port="$port" --State:Directory="$work" --Demo:AgentPassword="$password" \
  >"$work/pbxbridge.log" 2>&1 &
pid=$!

for _ in $(seq 1 150); do
  if curl -ksf "https://127.0.0.1:$port/healthz" >/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/pbxbridge.log" >&2; echo "pbxbridge exited" >&2; exit 1; fi
  sleep 0.2
done

# The agent's microphone: a quiet 440 Hz tone, so the microphone meter moves too.
mic=()
if command -v sox >/dev/null; then
  sox -n -r 48000 -b 16 -c 1 "$work/mic.wav" synth 30 sine 440 vol 0.3 pad 0 1
  mic=(--wav="$work/mic.wav")
fi

if ! (cd tests/browser && node phone/call-tone.mjs --url="https://127.0.0.1:$port/phone/" --agent=1001 \
      --password="$password" --number=601 --screenshot="$repo/docs/phone-in-call.png" "${mic[@]}"); then
  echo "--- pbxbridge log ---" >&2
  cat "$work/pbxbridge.log" >&2
  exit 1
fi
echo "wrote docs/phone-in-call.png"
