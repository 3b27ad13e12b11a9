#!/bin/sh
# Publishes PbxBridge self-contained for one runtime and packs it as a reproducible tarball:
#   build-release.sh SOURCE_DIR RUNTIME_ID BUILD_DIR TARBALL
# Files are sorted, owned by root and stamped with the source's last commit time, so the same source gives the
# same bytes and Ansible copies (and restarts) only when the build really changed. The tarball is replaced only
# when it differs; the last line says which ("tarball updated" / "tarball unchanged").
set -eu

if [ "$#" -ne 4 ]; then
    echo "usage: $0 SOURCE_DIR RUNTIME_ID BUILD_DIR TARBALL" >&2
    exit 2
fi
source_dir=$1
rid=$2
build_dir=$3
tarball=$4

project="$source_dir/src/PbxBridge/PbxBridge.csproj"
if [ ! -f "$project" ]; then
    echo "build-release: $project not found: set pbxbridge_source_dir to the PbxBridge checkout" >&2
    exit 2
fi
if ! command -v dotnet >/dev/null 2>&1; then
    echo "build-release: the .NET SDK (dotnet) is needed on the controller, or set pbxbridge_build_on_controller: false and pbxbridge_archive to a release tarball" >&2
    exit 2
fi

publish_dir="$build_dir/publish-$rid"

# The agents' /phone page is generated (JsSIP bundled with esbuild) into src/PbxBridge/wwwroot/phone, which the
# publish then carries; without it the service runs but serves no page.
source_root=$(cd "$(dirname "$project")/../.." && pwd)
if [ -x "$source_root/web/phone/build.sh" ]; then
    "$source_root/web/phone/build.sh" >&2
fi
mkdir -p "$build_dir" "$(dirname "$tarball")"
rm -rf "$publish_dir"

# --artifacts-path keeps obj/ and bin/ of this Release build out of the checkout's own obj/ folders; PathMap
# keeps that folder's location out of the assemblies (their PDB path), so any build folder gives the same bytes.
artifacts_dir=$(cd "$build_dir" && pwd)/artifacts
dotnet publish "$project" -c Release -r "$rid" --self-contained \
    --artifacts-path "$artifacts_dir" -o "$publish_dir" \
    -p:Deterministic=true -p:ContinuousIntegrationBuild=true "-p:PathMap=$artifacts_dir=/_artifacts" -nologo -v:q >&2

epoch=${SOURCE_DATE_EPOCH:-}
if [ -z "$epoch" ]; then
    epoch=$(git -C "$source_dir" log -1 --format=%ct 2>/dev/null || echo 0)
fi

tmp="$tarball.tmp.$$"
trap 'rm -f "$tmp"' EXIT
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    --mode='u+rwX,go+rX,go-w' -C "$publish_dir" -cf - . | gzip -n -6 > "$tmp"

if [ -f "$tarball" ] && cmp -s "$tmp" "$tarball"; then
    echo "tarball unchanged: $tarball"
else
    mv "$tmp" "$tarball"
    echo "tarball updated: $tarball"
fi
