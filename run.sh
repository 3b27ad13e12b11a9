#!/usr/bin/env bash
# PbxBridge on its built-in demo PBX: installs what is missing, builds, runs in the foreground.
#   ./run.sh                      https://127.0.0.1:8443/phone/ with demo agents 1001/1002
#   ./run.sh --Http:Port=9443     any setting as --Section:Key=Value (passed to `pbxbridge run`)
set -euo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh

ensure_dotnet
ensure_apt libopus0 ca-certificates
build_phone_page
echo "==> building PbxBridge"
dotnet build src/PbxBridge/PbxBridge.csproj -c Release -o artifacts/pbxbridge -nologo -v quiet -clp:ErrorsOnly
exec dotnet artifacts/pbxbridge/pbxbridge.dll run "$@"
