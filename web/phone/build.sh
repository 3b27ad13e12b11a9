#!/usr/bin/env bash
# Builds the agent phone page into src/PbxBridge/wwwroot/phone/ (index.html, phone.css, phone.js).
# Idempotent and quick when nothing changed: it only reinstalls npm packages when package-lock.json is newer
# than the installed tree, and only rebuilds when a source is newer than the bundle.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/src/PbxBridge/wwwroot/phone"

cd "$here"

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "phone: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

stamp="$out/phone.js"
if [[ -f "$stamp" && "${1:-}" != "--force" ]]; then
  newer="$(find src package-lock.json build.sh -newer "$stamp" -print -quit)"
  if [[ -z "$newer" && -f "$out/index.html" && -f "$out/phone.css" ]]; then
    echo "phone: up to date ($out)"
    exit 0
  fi
fi

mkdir -p "$out"
# Write into a temporary folder first so a failed build never leaves a half-written page being served.
tmp="$(mktemp -d "$out/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
./node_modules/.bin/esbuild src/main.js \
  --bundle --format=iife --target=chrome100,firefox100,safari15 --minify \
  --legal-comments=linked --log-level=warning --outfile="$tmp/phone.js"
cp src/index.html src/phone.css "$tmp/"
for f in index.html phone.css phone.js phone.js.LEGAL.txt; do
  if [[ -f "$tmp/$f" ]]; then mv -f "$tmp/$f" "$out/$f"; fi
done
# No source map beside the page: it would hand its sources to anyone (the server refuses *.map anyway). To debug,
# build one locally with esbuild --sourcemap.
rm -f "$out/phone.js.map"
echo "phone: built $out"
