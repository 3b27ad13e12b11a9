#!/usr/bin/env bash
# Installs what PbxBridge needs on a fresh Debian 12 machine, only what is missing. Sourced by run.sh and test.sh.

apt_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  echo "${missing[@]}"
}

# ensure_apt PKG... : apt-get install what is not installed yet. Retries because this image's apt configuration
# deletes downloaded .deb files between dpkg runs and a large first install can fail once.
ensure_apt() {
  local missing
  missing=$(apt_missing "$@")
  [ -z "$missing" ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "==> installing Debian packages: $missing"
  local attempt
  for attempt in 1 2 3; do
    if [ "$attempt" -gt 1 ] || ! $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends $missing >/tmp/pbxbridge-apt.log 2>&1; then
      $sudo apt-get -o DPkg::Lock::Timeout=300 update -q >>/tmp/pbxbridge-apt.log 2>&1 || true
      DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends $missing >>/tmp/pbxbridge-apt.log 2>&1 && return 0
    else
      return 0
    fi
  done
  echo "error: could not install $missing (see /tmp/pbxbridge-apt.log)" >&2
  return 1
}

ensure_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
    return 1
  fi
  case "$(dotnet --version 2>/dev/null)" in
    10.*) ;;
    *) echo "error: the .NET 10 SDK is required (found $(dotnet --version 2>/dev/null))" >&2; return 1 ;;
  esac
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}

ensure_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
  ensure_apt nodejs npm
}

# The /phone page's bundle (JsSIP + our page), built when its sources changed.
build_phone_page() {
  if [ -x web/phone/build.sh ]; then
    ensure_node
    web/phone/build.sh
  fi
}
