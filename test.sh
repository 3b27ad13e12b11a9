#!/usr/bin/env bash
# The whole PbxBridge test suite on a fresh Debian 12 machine: installs what the tests need, builds once, runs the
# unit and contract tests, then the browser interop tests (headless Debian chromium) inside a private network
# namespace with only loopback up, then the Ansible checks. Ends with "N passed, N failed".
#   ./test.sh                 everything
#   ./test.sh --filter X      only tests whose name matches X (dotnet test --filter syntax)
set -uo pipefail
cd "$(dirname "$0")"
. scripts/prerequisites.sh

filter=()
if [ "${1:-}" = "--filter" ] && [ -n "${2:-}" ]; then filter=(--filter "$2"); fi

ensure_dotnet || exit 1
ensure_apt libopus0 chromium sox iproute2 nftables coturn haproxy redis-server openssl ca-certificates || exit 1
ensure_node || exit 1
echo "==> npm packages for the browser tests"
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) || exit 1
build_phone_page || exit 1

# Real PBXs for the interop scenarios (tests/PbxBridge.Browser.Tests/RealPbx): the ones the user names with
# PBXBRIDGE_TEST_ASTERISK / PBXBRIDGE_TEST_FREESWITCH (installation prefixes), else the builds in ../shared/pbx beside
# the clone when it is there (CI has it). Without either, those scenarios are reported as skipped, with the reason.
if [ -z "${PBXBRIDGE_TEST_ASTERISK:-}${PBXBRIDGE_TEST_FREESWITCH:-}" ] && [ -x ../shared/pbx/install.sh ]; then
  echo "==> real Asterisk and FreeSWITCH from ../shared/pbx"
  if prefixes=$(../shared/pbx/install.sh asterisk freeswitch); then
    export PBXBRIDGE_TEST_ASTERISK=$(echo "$prefixes" | sed -n 1p) PBXBRIDGE_TEST_FREESWITCH=$(echo "$prefixes" | sed -n 2p)
  else
    echo "warning: ../shared/pbx/install.sh failed: the real-PBX scenarios will be skipped"
  fi
fi

results=artifacts/test-results
rm -rf "$results"; mkdir -p "$results"
echo "==> building"
dotnet build PbxBridge.sln -c Debug -nologo -v quiet -clp:ErrorsOnly || { echo "0 passed, 1 failed (build)"; exit 1; }

status=0
for project in tests/*.Tests/*.Tests.csproj bench/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  # These two boot real PBXs and browsers on fixed ports: they run below, in the private network namespace.
  case "$name" in PbxBridge.Browser.Tests|PbxBridge.RealPbx.Tests) continue ;; esac
  echo "==> $name"
  dotnet test "$project" --no-build -nologo -v quiet "${filter[@]}" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
done

# Real-PBX contract tests and browser interop: the PBXs, chromium and PbxBridge share a network namespace with only lo
# up, so ICE candidates are deterministic (127.0.0.1), the PBXs' standard ports collide with nothing, and nothing
# leaves the machine (shared/reference/browser/NOTES.md). The two projects run one after the other (same ports).
in_namespace() { ip netns exec "$ns" env HOME="$HOME" PATH="$PATH" DOTNET_CLI_HOME="${DOTNET_CLI_HOME:-$HOME}" \
  PBXBRIDGE_TEST_ASTERISK="${PBXBRIDGE_TEST_ASTERISK:-}" PBXBRIDGE_TEST_FREESWITCH="${PBXBRIDGE_TEST_FREESWITCH:-}" "$@"; }
ns="pbxb-test-$$"
run=(in_namespace)
if ip netns add "$ns" 2>/dev/null; then
  ip netns exec "$ns" ip link set lo up
else
  echo "warning: cannot create a network namespace (needs root): running real-PBX and browser tests in the host namespace"
  run=()
fi
for name in PbxBridge.RealPbx.Tests PbxBridge.Browser.Tests; do
  echo "==> $name (in a private network namespace)"
  "${run[@]}" dotnet test "tests/$name" --no-build -nologo -v quiet "${filter[@]}" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
done
[ ${#run[@]} -gt 0 ] && ip netns del "$ns"

extra_passed=0; extra_failed=0
if [ -x ansible/tests/converge.sh ] && [ ${#filter[@]} -eq 0 ]; then
  echo "==> Ansible: syntax-check, ansible-lint, converge twice"
  ansible/tests/converge.sh 2>&1 | tee "$results/ansible.log"
  converge_status=${PIPESTATUS[0]}
  extra_passed=$(grep -c '^PASS ' "$results/ansible.log" || true)
  extra_failed=$(grep -c '^FAIL ' "$results/ansible.log" || true)
  [ "$converge_status" -ne 0 ] && [ "$extra_failed" -eq 0 ] && extra_failed=1
fi

passed=$extra_passed; failed=$extra_failed
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p'); f=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
[ "$status" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
if [ "$failed" -gt 0 ]; then
  # Repeat each failure's name and the first lines of its message here, where a truncated CI log still shows them.
  echo
  echo "==> failures"
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    awk '
      /<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); failing = 1 }
      failing && /<Message>/ { inmsg = 1; lines = 0; sub(/.*<Message>/, ""); print "FAIL " name }
      inmsg { done = sub(/<\/Message>.*/, ""); if (lines < 6) print "     " $0; lines++; if (done) { inmsg = 0; failing = 0 } }
    ' "$trx" | sed 's/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'
  done
  grep '^FAIL ' "$results/ansible.log" 2>/dev/null || true
fi
# Which real-PBX scenarios ran, and why any test was skipped: a clone without a PBX must say so, not stay silent.
skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  n=$(grep -o 'outcome="NotExecuted"' "$trx" | wc -l)
  skipped=$((skipped + n))
done
echo
echo "==> real-PBX interop scenarios"
for pbx in Asterisk FreeSwitch; do
  ran=$(cat "$results"/*.trx 2>/dev/null | grep -o "testName=\"PbxBridge.\(Browser.Tests.RealPbx\|RealPbx.Tests\).Real${pbx}[A-Za-z]*Tests[^\"]*\"[^>]*outcome=\"\(Passed\|Failed\)\"" \
    | sed 's/testName="PbxBridge.Browser.Tests.RealPbx.//; s/testName="PbxBridge.RealPbx.Tests.//; s/".*outcome="/ /; s/"$//' | sed 's/&quot;/"/g')
  if [ -n "$ran" ]; then echo "$ran" | sed 's/^/  ran: /'; fi
done
if [ "$skipped" -gt 0 ]; then
  echo "$skipped skipped:"
  cat "$results"/*.trx 2>/dev/null | grep -o '<Message>[^<]*skipped[^<]*\|<Message>real-PBX interop:[^<]*' | sed 's/<Message>//' | sort | uniq -c | sed 's/^ */  /'
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
