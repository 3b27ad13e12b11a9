#!/usr/bin/env bash
# Converges the Ansible roles for real on this machine (connection: local, systemd left alone), starts the
# installed build as the pbxbridge user with the rendered configuration, checks /healthz, converges again and
# expects changed=0. Prints one "PASS name" / "FAIL name" line per check; exits non-zero if any failed.
#
# Everything the roles write goes below one temporary root (install, config, state, log, unit); only what a real
# install also needs is system-wide: the apt packages and the pbxbridge system user.
set -uo pipefail

ansible_dir=$(cd "$(dirname "$0")/.." && pwd)
# PBXBRIDGE_SOURCE_DIR: build another checkout (e.g. a clean export) instead of this one.
repo_dir=$(cd "${PBXBRIDGE_SOURCE_DIR:-$ansible_dir/..}" && pwd)
passed=0
failed=0
skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
skip() { echo "SKIP $1${2:+: $2}"; skipped=$((skipped + 1)); }

apt_install() {
    local attempt
    for attempt in 1 2 3; do
        if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; then
            return 0
        fi
        echo "apt-get install $* failed (attempt $attempt), retrying" >&2
        sleep $((attempt * 5))
    done
    return 1
}

missing=()
command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible)
command -v ansible-lint >/dev/null 2>&1 || missing+=(ansible-lint)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ "${#missing[@]}" -gt 0 ] && ! apt_install "${missing[@]}"; then
    fail tools_installed "apt-get install ${missing[*]}"
    echo "$passed passed, $failed failed, $skipped skipped"
    exit 1
fi

work=$(mktemp -d /tmp/pbxbridge-converge.XXXXXX)
# The service account must be able to walk down to its own directories.
chmod 0755 "$work"
root="$work/root"
service_pid=""
cluster_pids=()
cleanup() {
    [ "${#cluster_pids[@]}" -gt 0 ] && stop_cluster
    if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
        kill -KILL "$service_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Present on every systemd host; the role writes into it, it does not create it.
mkdir -p "$root/etc/systemd/system" "$root/usr/local/bin"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)

cat > "$work/vars.yml" <<VARS
pbxbridge_source_dir: $repo_dir
pbxbridge_build_dir: $ansible_dir/.build
pbxbridge_install_dir: $root/opt/pbxbridge
pbxbridge_cache_dir: $root/var/cache/pbxbridge
pbxbridge_config_dir: $root/etc/pbxbridge
pbxbridge_state_dir: $root/var/lib/pbxbridge
pbxbridge_log_dir: $root/var/log/pbxbridge
pbxbridge_systemd_unit_dir: $root/etc/systemd/system
pbxbridge_cli_link: $root/usr/local/bin/pbxbridge
pbxbridge_manage_service: false
pbxbridge_pbx_kind: Demo
pbxbridge_demo_agent_password: converge-demo-password
pbxbridge_http_listen_address: 127.0.0.1
pbxbridge_http_port: $port
pbxbridge_media_public_address: 127.0.0.1
pbxbridge_admin_token: converge-admin-token
asterisk_pbxbridge_binary: $work/not-installed/asterisk
freeswitch_pbxbridge_binary: $work/not-installed/freeswitch
VARS

export ANSIBLE_CONFIG="$ansible_dir/ansible.cfg" ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0
cd "$ansible_dir" || exit 1

converge() {  # converge LOG [extra ansible-playbook args...]
    local log=$1
    shift
    ansible-playbook -i localhost, tests/converge.yml -e "@$work/vars.yml" "$@" >"$log" 2>&1
}
recap_changed() {  # the changed= count of the PLAY RECAP line in LOG, empty when there is none
    sed -n 's/^localhost[[:space:]]*:.*changed=\([0-9]*\).*failed=\([0-9]*\).*/\1/p' "$1" | tail -n 1
}
show_tail() { tail -n "${2:-40}" "$1" | sed 's/^/    | /'; }

# The single-port firewall: one nftables rule for the one browser port (not the range), loaded for real in a network
# namespace of its own.
single_port_firewall_check() {
    local fw="$work/firewall" ns="pbxbridge-converge-$$" rules
    mkdir -p "$fw"
    printf 'table inet filter {\n  chain input {\n    type filter hook input priority 0; policy accept;\n  }\n}\n' >"$fw/nftables.conf"
    if ! ip netns add "$ns" 2>"$fw/netns.log"; then
        skip single_port_firewall_rule "no network namespace: $(cat "$fw/netns.log")"
        return
    fi
    if ip netns exec "$ns" ansible-playbook -i localhost, tests/firewall.yml -e pbxbridge_firewall=nftables \
        -e "pbxbridge_nftables_conf=$fw/nftables.conf" -e "pbxbridge_nftables_include_dir=$fw/nftables.d" \
        -e pbxbridge_media_single_udp_port=40500 >"$fw/play.log" 2>&1; then
        rules=$(ip netns exec "$ns" nft list chain inet filter input 2>&1)
        if grep -q 'udp dport 40500 accept' <<<"$rules" && ! grep -q 'udp dport 40000-40999' <<<"$rules"; then
            pass single_port_firewall_rule
        else
            fail single_port_firewall_rule "loaded rules: $rules"
        fi
    else
        fail single_port_firewall_rule "the play failed"
        show_tail "$fw/play.log"
    fi
    ip netns del "$ns"
}

# The front's and Redis's firewalls (tests/cluster_firewall.yml), loaded for real in a network namespace of its own:
# the front's HTTPS port open to all, Redis's port accepted from the inventory's nodes and loopback and dropped for
# everyone else; the files pass `nft -c`, and a second run changes nothing.
cluster_firewall_check() {
    local fw="$work/cluster-firewall" ns="pbxbridge-converge-fw-$$" rules errors=() node
    mkdir -p "$fw"
    # As Debian's /etc/nftables.conf starts: the whole ruleset is replaced at each load.
    printf 'flush ruleset\ntable inet filter {\n  chain input {\n    type filter hook input priority 0; policy accept;\n  }\n}\n' >"$fw/nftables.conf"
    {
        echo "all:"
        echo "  vars:"
        echo "    ansible_connection: local"
        echo "    ansible_python_interpreter: $(command -v python3)"
        echo "    pbxbridge_port_firewall_nftables_conf: $fw/nftables.conf"
        echo "    pbxbridge_port_firewall_nftables_include_dir: $fw/nftables.d"
        echo "  children:"
        echo "    pbxbridge:"
        echo "      hosts:"
        for node in 1 2 3; do
            echo "        bridge$node: { ansible_host: 192.0.2.1$node }"
        done
        echo "    pbxbridge_front:"
        echo "      hosts:"
        echo "        front: { pbxbridge_front_firewall: nftables, pbxbridge_front_port: 8443 }"
        echo "    pbxbridge_redis:"
        echo "      hosts:"
        echo "        redis: { pbxbridge_redis_firewall: nftables, pbxbridge_redis_port: 6379 }"
    } >"$fw/hosts.yml"
    if ! ip netns add "$ns" 2>"$fw/netns.log"; then
        skip cluster_front_and_redis_firewall "no network namespace: $(cat "$fw/netns.log")"
        return
    fi
    if ip netns exec "$ns" ansible-playbook -i "$fw/hosts.yml" tests/cluster_firewall.yml >"$fw/play1.log" 2>&1; then
        nft -c -f "$fw/nftables.conf" >"$fw/check.log" 2>&1 || errors+=("nft -c -f: $(tail -n 3 "$fw/check.log")")
        grep -qx '    tcp dport 8443 accept comment "pbxbridge front https and wss"' "$fw/nftables.d/pbxbridge-front.nft" \
            || errors+=("pbxbridge-front.nft does not open 8443 to all")
        # Redis: loopback, then each node, then a drop for everyone else, in that order.
        [ "$(grep -o 'iifname "lo" tcp dport 6379 accept\|ip saddr 192.0.2.1[123] tcp dport 6379 accept\|tcp dport 6379 drop' "$fw/nftables.d/pbxbridge-redis.nft" | tr '\n' '|')" \
            = 'iifname "lo" tcp dport 6379 accept|ip saddr 192.0.2.11 tcp dport 6379 accept|ip saddr 192.0.2.12 tcp dport 6379 accept|ip saddr 192.0.2.13 tcp dport 6379 accept|tcp dport 6379 drop|' ] \
            || errors+=("pbxbridge-redis.nft is not loopback + the three nodes + drop: $(grep dport "$fw/nftables.d/pbxbridge-redis.nft" | tr '\n' ';')")
        rules=$(ip netns exec "$ns" nft list chain inet filter input 2>&1)
        [ "$(grep -c 'tcp dport 8443 accept' <<<"$rules")" = 1 ] || errors+=("loaded: 8443 not accepted once")
        [ "$(grep -o 'ip saddr 192.0.2.1[123] tcp dport 6379 accept\|tcp dport 6379 drop' <<<"$rules" | tail -n 1)" = "tcp dport 6379 drop" ] \
            && [ "$(grep -c 'tcp dport 6379 accept' <<<"$rules")" = 4 ] || errors+=("loaded: Redis not accepted from loopback + nodes then dropped: $rules")
        if [ "${#errors[@]}" -eq 0 ]; then
            pass cluster_front_and_redis_firewall
        else
            fail cluster_front_and_redis_firewall "${errors[*]}"
        fi
        if ip netns exec "$ns" ansible-playbook -i "$fw/hosts.yml" tests/cluster_firewall.yml >"$fw/play2.log" 2>&1 \
            && [ "$(recap_changed_all "$fw/play2.log")" = 0 ]; then
            pass cluster_firewall_second_run_changes_nothing
        else
            awk '/^TASK/ { task = $0 } /^(changed|fatal)/ { print "    | " task " " $0 }' "$fw/play2.log"
            fail cluster_firewall_second_run_changes_nothing
        fi
    else
        fail cluster_front_and_redis_firewall "the play failed"
        show_tail "$fw/play1.log"
    fi
    ip netns del "$ns"
}

# The cluster (tests/cluster.yml): three nodes' settings, Redis and the HAProxy front below a root of their own, then
# all of it started from what the roles wrote: /healthz through the front lists the three nodes from Redis.
cluster_check() {
    local c="$work/cluster" node errors=() redis_port front_port health
    mkdir -p "$c"
    chmod 0755 "$c"
    redis_port=$(free_port)
    front_port=$(free_port)
    {
        echo "all:"
        echo "  vars:"
        echo "    ansible_connection: local"
        echo "    ansible_python_interpreter: $(command -v python3)"
        echo "    pbxbridge_manage_service: false"
        echo "    pbxbridge_pbx_kind: Demo"
        echo "    pbxbridge_demo_agent_password: converge-demo-password"
        echo "    pbxbridge_http_listen_address: 127.0.0.1"
        echo "    pbxbridge_cluster_redis: 127.0.0.1:$redis_port,password=converge-redis-password"
        echo "    pbxbridge_http_proxy_protocol: true"
        echo "    pbxbridge_http_proxy_protocol_fronts: [127.0.0.1]"
        echo "    pbxbridge_media_ice_tcp_on_https_port: false"
        # The firewalls are cluster_firewall_check's, in a namespace: never this machine's.
        echo "    pbxbridge_front_firewall: none"
        echo "    pbxbridge_redis_firewall: none"
        echo "  children:"
        echo "    pbxbridge:"
        echo "      hosts:"
        for node in 1 2 3; do
            echo "        bridge$node:"
            echo "          pbxbridge_cluster_node_id: node$node"
            echo "          pbxbridge_front_node_address: 127.0.0.1"
            echo "          pbxbridge_http_port: $(free_port)"
            echo "          pbxbridge_media_public_address: 127.0.0.1$node"
            echo "          pbxbridge_media_browser_port_start: $((42000 + node * 100))"
            echo "          pbxbridge_media_browser_port_end: $((42099 + node * 100))"
            echo "          pbxbridge_media_pbx_port_start: $((43000 + node * 100))"
            echo "          pbxbridge_media_pbx_port_end: $((43099 + node * 100))"
            for dir in config:etc/pbxbridge state:var/lib/pbxbridge log:var/log/pbxbridge; do
                echo "          pbxbridge_${dir%%:*}_dir: $c/bridge$node/${dir#*:}"
            done
        done
        echo "    pbxbridge_front:"
        echo "      hosts:"
        echo "        front:"
        echo "          pbxbridge_front_manage_service: false"
        echo "          pbxbridge_front_bind_address: 127.0.0.1"
        echo "          pbxbridge_front_port: $front_port"
        echo "          pbxbridge_front_config_file: $c/front/haproxy.cfg"
        echo "          pbxbridge_front_certificate_file: $c/front/pbxbridge.pem"
        echo "    pbxbridge_redis:"
        echo "      hosts:"
        echo "        redis:"
        echo "          pbxbridge_redis_manage_service: false"
        echo "          pbxbridge_redis_bind: 127.0.0.1"
        echo "          pbxbridge_redis_port: $redis_port"
        echo "          pbxbridge_redis_password: converge-redis-password"
        echo "          pbxbridge_redis_config_file: $c/redis/redis.conf"
    } >"$c/hosts.yml"
    mkdir -p "$c/front" "$c/redis"
    chown redis:redis "$c/redis"
    cluster_converge() { ansible-playbook -i "$c/hosts.yml" tests/cluster.yml >"$1" 2>&1; }
    if ! cluster_converge "$c/converge1.log"; then
        show_tail "$c/converge1.log" 40
        fail cluster_nodes_front_and_redis_converge "the converge failed"
        fail cluster_second_run_changes_nothing "not run"
        return
    fi

    # What was written: each node its NodeId and the shared Redis; the front every node in both backends.
    for node in 1 2 3; do
        python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); assert c["Cluster"] == {"NodeId": sys.argv[2], "Redis": sys.argv[3]}, c.get("Cluster"); assert c["Media"]["PublicAddress"] == sys.argv[4]; assert c["Http"]["ProxyProtocol"] is True and c["Http"]["ProxyProtocolFronts"] == ["127.0.0.1"], c["Http"]' \
            "$c/bridge$node/etc/pbxbridge/pbxbridge.json" "node$node" "127.0.0.1:$redis_port,password=converge-redis-password" "127.0.0.1$node" \
            2>"$c/json.log" || errors+=("bridge$node's pbxbridge.json: $(tail -n 1 "$c/json.log")")
        port=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["Http"]["Port"])' "$c/bridge$node/etc/pbxbridge/pbxbridge.json" 2>/dev/null)
        [ "$(grep -c "^    server node$node 127.0.0.1:$port\$" "$c/front/haproxy.cfg")" = 2 ] \
            || errors+=("haproxy.cfg lacks 'server node$node 127.0.0.1:$port' in both backends")
    done
    grep -q "^    bind 127.0.0.1:$front_port ssl crt $c/front/pbxbridge.pem" "$c/front/haproxy.cfg" || errors+=("haproxy.cfg: no bind line for the front")
    grep -q '192\.0\.2\.' "$c/front/haproxy.cfg" && errors+=("haproxy.cfg still has the shipped example servers")
    haproxy -c -f "$c/front/haproxy.cfg" >"$c/haproxy-check.log" 2>&1 || errors+=("haproxy -c: $(tail -n 3 "$c/haproxy-check.log")")
    grep -qx "requirepass converge-redis-password" "$c/redis/redis.conf" && grep -qx "port $redis_port" "$c/redis/redis.conf" \
        || errors+=("redis.conf lacks the port or the password")

    # Started from what the roles wrote: Redis, the three nodes (the main converge's build, as the service account),
    # HAProxy; the front's /healthz answers from a node that sees all three through Redis.
    redis-server "$c/redis/redis.conf" --dir "$c/redis" --save "" --daemonize no >"$c/redis.log" 2>&1 &
    cluster_pids+=($!)
    # One after the other: three cold starts at once (each a DTLS warm-up) overload a 2-core CI box.
    for node in 1 2 3; do
        (cd "$c/bridge$node/var/lib/pbxbridge" && exec runuser -u pbxbridge -- env PBXBRIDGE_CONFIG="$c/bridge$node/etc/pbxbridge/pbxbridge.json" \
            "$root/opt/pbxbridge/pbxbridge" run) >"$c/bridge$node.log" 2>&1 &
        cluster_pids+=($!)
        for _ in $(seq 1 120); do
            grep -qs "Application started" "$c/bridge$node.log" && break
            kill -0 "${cluster_pids[-1]}" 2>/dev/null || break
            sleep 0.5
        done
    done
    haproxy -db -f "$c/front/haproxy.cfg" >"$c/haproxy.log" 2>&1 &
    cluster_pids+=($!)
    health=""
    for _ in $(seq 1 120); do
        health=$(curl -sk --max-time 2 "https://127.0.0.1:$front_port/healthz" 2>/dev/null)
        python3 -c 'import json, sys; h = json.loads(sys.argv[1]); assert h["cluster"]["source"] == "redis" and sorted(n["node"] for n in h["cluster"]["nodes"]) == ["node1", "node2", "node3"]' \
            "$health" 2>/dev/null && break
        health="not yet: ${health:-nothing}"
        sleep 0.5
    done
    case "$health" in
        "not yet: "*)
            errors+=("/healthz through the front: $health")
            show_tail "$c/haproxy.log" 10
            for node in 1 2 3; do show_tail "$c/bridge$node.log" 10; done
            ;;
    esac
    if [ "${#errors[@]}" -eq 0 ]; then
        pass cluster_nodes_front_and_redis_converge
    else
        fail cluster_nodes_front_and_redis_converge "${errors[*]}"
    fi
    stop_cluster

    if cluster_converge "$c/converge2.log" && [ "$(recap_changed_all "$c/converge2.log")" = 0 ]; then
        pass cluster_second_run_changes_nothing
    else
        awk '/^TASK/ { task = $0 } /^(changed|fatal)/ { print "    | " task " " $0 }' "$c/converge2.log"
        fail cluster_second_run_changes_nothing
    fi
}
stop_cluster() {
    local pid
    for pid in "${cluster_pids[@]}"; do
        pkill -TERM -P "$pid" 2>/dev/null
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${cluster_pids[@]}"; do
        wait "$pid" 2>/dev/null
    done
    cluster_pids=()
}
# The sum of changed= over every host of the PLAY RECAP in LOG, empty when there is none.
recap_changed_all() {
    sed -n 's/^[^ ]*[[:space:]]*:[[:space:]]*ok=.*changed=\([0-9]*\).*/\1/p' "$1" | awk '{ s += $1; n++ } END { if (n) print s }'
}

# 1. Syntax and lint, on everything.
syntax_ok=1
for playbook in site.yml tests/converge.yml tests/cluster.yml tests/cluster_firewall.yml; do
    if ! ansible-playbook --syntax-check -i inventories/example/hosts.yml "$playbook" >"$work/syntax.log" 2>&1; then
        syntax_ok=0
        show_tail "$work/syntax.log" 20
    fi
done
[ "$syntax_ok" = 1 ] && pass ansible_syntax_check || fail ansible_syntax_check

if ansible-lint --offline -p >"$work/lint.log" 2>&1; then
    pass ansible_lint_production_profile
else
    show_tail "$work/lint.log" 30
    fail ansible_lint_production_profile
fi

# 2. First converge: builds the release on the controller and installs it.
if converge "$work/converge1.log"; then
    pass converge_first_run
else
    show_tail "$work/converge1.log" 60
    fail converge_first_run
    echo "$passed passed, $failed failed, $skipped skipped"
    exit 1
fi

# 3. What the role left on disk.
unit="$root/etc/systemd/system/pbxbridge.service"
config="$root/etc/pbxbridge/pbxbridge.json"
layout_errors=()
[ -x "$root/opt/pbxbridge/pbxbridge" ] || layout_errors+=("no executable $root/opt/pbxbridge/pbxbridge")
[ "$(readlink "$root/usr/local/bin/pbxbridge")" = "$root/opt/pbxbridge/pbxbridge" ] || layout_errors+=("no pbxbridge CLI link")
[ "$(stat -c '%U:%G %a' "$config" 2>/dev/null)" = "root:pbxbridge 640" ] || layout_errors+=("$config is not root:pbxbridge 0640")
[ "$(stat -c '%U:%G %a' "$root/etc/pbxbridge" 2>/dev/null)" = "root:pbxbridge 750" ] || layout_errors+=("config dir is not root:pbxbridge 0750")
[ "$(stat -c '%U' "$root/var/lib/pbxbridge" 2>/dev/null)" = "pbxbridge" ] || layout_errors+=("state dir not owned by pbxbridge")
[ "$(stat -c '%U' "$root/opt/pbxbridge/pbxbridge" 2>/dev/null)" = "root" ] || layout_errors+=("the build is not root-owned")
python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); assert c["Pbx"]["Kind"] == "Demo" and c["Http"]["Port"] == int(sys.argv[2])' \
    "$config" "$port" 2>/dev/null || layout_errors+=("$config is not the expected JSON")
for directive in Type=notify Restart=on-failure NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes ProtectHome=yes \
    "ReadWritePaths=$root/var/lib/pbxbridge $root/var/log/pbxbridge" "Environment=PBXBRIDGE_CONFIG=$config" \
    Environment=MALLOC_ARENA_MAX=2 LimitNOFILE=65536 CapabilityBoundingSet=; do
    grep -qxF "$directive" "$unit" 2>/dev/null || layout_errors+=("unit lacks $directive")
done
# Port >= 1024: the unit must not grant the bind capability.
grep -q '^AmbientCapabilities=CAP_NET_BIND_SERVICE' "$unit" 2>/dev/null && layout_errors+=("unit grants CAP_NET_BIND_SERVICE for port $port")
if [ "${#layout_errors[@]}" -eq 0 ]; then
    pass installed_layout_and_unit
else
    fail installed_layout_and_unit "${layout_errors[*]}"
fi

if command -v systemd-analyze >/dev/null 2>&1; then
    if systemd-analyze verify "$unit" >"$work/verify.log" 2>&1; then
        pass systemd_unit_verifies
    else
        show_tail "$work/verify.log" 20
        fail systemd_unit_verifies
    fi
fi

# 4. The installed binary, as the service account, with the rendered configuration: /healthz answers.
(cd "$root/var/lib/pbxbridge" && exec runuser -u pbxbridge -- env PBXBRIDGE_CONFIG="$config" \
    "$root/opt/pbxbridge/pbxbridge" run) >"$work/service.log" 2>&1 &
service_pid=$!
health=""
for _ in $(seq 1 120); do
    health=$(curl -sk --max-time 2 -w '\n%{http_code}' "https://127.0.0.1:$port/healthz" 2>/dev/null) && \
        [ "${health##*$'\n'}" = 200 ] && break
    kill -0 "$service_pid" 2>/dev/null || break
    sleep 0.5
done
if [ "${health##*$'\n'}" = 200 ] && grep -q '"Demo"' <<<"$health"; then
    pass installed_service_answers_healthz
else
    echo "    healthz answered: ${health:-nothing}"
    show_tail "$work/service.log" 30
    fail installed_service_answers_healthz
fi

# SIGTERM is how systemd stops it: it must exit cleanly (calls drained, none here).
if kill -0 "$service_pid" 2>/dev/null; then
    # $service_pid is runuser; signal the service itself, as systemd does (runuser would answer a signal of its
    # own with 128+15 whatever the service did).
    pkill -TERM -P "$service_pid" || kill -TERM "$service_pid"
    exit_code=timeout
    for _ in $(seq 1 80); do
        if ! kill -0 "$service_pid" 2>/dev/null; then
            wait "$service_pid"
            exit_code=$?
            break
        fi
        sleep 0.5
    done
    if [ "$exit_code" = 0 ] && grep -q "PbxBridge stopped" "$work/service.log"; then
        pass installed_service_stops_on_sigterm
    else
        show_tail "$work/service.log" 20
        fail installed_service_stops_on_sigterm "exit code $exit_code"
    fi
else
    wait "$service_pid"
    fail installed_service_stops_on_sigterm "the service had already exited (code $?) before SIGTERM"
fi
service_pid=""

# 5. Second converge: nothing to do.
if converge "$work/converge2.log"; then
    changed=$(recap_changed "$work/converge2.log")
    if [ "$changed" = 0 ]; then
        pass converge_second_run_changes_nothing
    else
        awk '/^TASK/ { task = $0 } /^changed:/ { print "    | " task " " $0 }' "$work/converge2.log"
        fail converge_second_run_changes_nothing "changed=${changed:-?}"
    fi
else
    show_tail "$work/converge2.log" 60
    fail converge_second_run_changes_nothing "the converge failed"
fi

if grep -q "Asterisk is not installed on localhost" "$work/converge2.log" \
    && grep -q "FreeSWITCH is not installed on localhost" "$work/converge2.log"; then
    pass pbx_roles_skip_without_pbx
else
    fail pbx_roles_skip_without_pbx "no 'not installed' message from asterisk_pbxbridge / freeswitch_pbxbridge"
fi

# 6. The PBX roles against stand-ins for `asterisk` and `fs_cli` that log their arguments: the files
#    `pbxbridge config render` writes land in the PBX's folder, the matching reloads run once, and a second run
#    changes and reloads nothing.
pbx="$work/pbx"
mkdir -p "$pbx/bin" "$root/etc/asterisk" "$root/etc/freeswitch/autoload_configs"
# The two site files the FreeSWITCH role adds an include to (as vanilla has them, shortened).
printf '<include>\n  <X-PRE-PROCESS cmd="set" data="domain=$${local_ip_v4}"/>\n</include>\n' > "$root/etc/freeswitch/vars.xml"
printf '<configuration name="acl.conf" description="Network Lists">\n  <network-lists>\n  </network-lists>\n</configuration>\n' \
    > "$root/etc/freeswitch/autoload_configs/acl.conf.xml"
for tool in asterisk freeswitch fs_cli; do
    printf '#!/bin/sh\necho "$*" >> "%s/%s.log"\n' "$pbx" "$tool" > "$pbx/bin/$tool"
    chmod +x "$pbx/bin/$tool"
done
cat > "$work/pbx-vars.yml" <<VARS
asterisk_pbxbridge_pbxbridge_binary: $root/opt/pbxbridge/pbxbridge
asterisk_pbxbridge_pbxbridge_config: $config
asterisk_pbxbridge_render_dir: $root/var/lib/pbxbridge-render/asterisk
asterisk_pbxbridge_binary: $pbx/bin/asterisk
asterisk_pbxbridge_config_dir: $root/etc/asterisk
asterisk_pbxbridge_config_owner: root
asterisk_pbxbridge_config_group: root
freeswitch_pbxbridge_pbxbridge_binary: $root/opt/pbxbridge/pbxbridge
freeswitch_pbxbridge_pbxbridge_config: $config
freeswitch_pbxbridge_render_dir: $root/var/lib/pbxbridge-render/freeswitch
freeswitch_pbxbridge_binary: $pbx/bin/freeswitch
freeswitch_pbxbridge_fs_cli: $pbx/bin/fs_cli
freeswitch_pbxbridge_config_dir: $root/etc/freeswitch
freeswitch_pbxbridge_config_owner: root
freeswitch_pbxbridge_config_group: root
freeswitch_pbxbridge_esl_password: converge-esl-password
VARS
pbx_converge() { ansible-playbook -i localhost, tests/pbx.yml -e "@$work/pbx-vars.yml" >"$1" 2>&1; }

# Until the adapters' renderers land (issues 7 and 8) the host answers render with "not in this build yet":
# say so instead of failing the install checks above on a missing feature elsewhere.
if ! PBXBRIDGE_CONFIG="$config" "$root/opt/pbxbridge/pbxbridge" config render --pbx asterisk --out "$work/render-probe" \
        >"$work/render-probe.log" 2>&1 && grep -q "not in this build yet" "$work/render-probe.log"; then
    reason=$(grep -m1 "not in this build yet" "$work/render-probe.log")
    skip pbx_snippets_installed_and_reloaded "$reason"
    skip pbx_snippets_second_run_changes_and_reloads_nothing "$reason"
elif pbx_converge "$work/pbx1.log"; then
    errors=()
    for kind in asterisk freeswitch; do
        rendered="$root/var/lib/pbxbridge-render/$kind"
        count=0
        while IFS= read -r -d '' file; do
            count=$((count + 1))
            cmp -s "$file" "$root/etc/$kind/${file#"$rendered"/}" || errors+=("$kind: ${file#"$rendered"/} not installed")
        done < <(find "$rendered" -type f -print0 2>/dev/null)
        [ "$count" -gt 0 ] || errors+=("$kind: nothing rendered")
    done
    [ -f "$root/var/lib/pbxbridge-render/asterisk/ari.conf" ] && ! grep -qx -- '-rx module reload res_ari.so' "$pbx/asterisk.log" 2>/dev/null \
        && errors+=("ari.conf installed but res_ari.so not reloaded")
    [ -s "$pbx/asterisk.log" ] || errors+=("no asterisk -rx reload ran")
    grep -q -- '-p converge-esl-password -x reloadxml$' "$pbx/fs_cli.log" 2>/dev/null || errors+=("no fs_cli reloadxml")
    if find "$root/var/lib/pbxbridge-render/freeswitch" -name pbxbridge_acl.xml | grep -q .; then
        grep -q -- '-x reloadacl$' "$pbx/fs_cli.log" || errors+=("pbxbridge_acl.xml installed but no reloadacl")
        grep -q 'data="../pbxbridge_acl.xml"' "$root/etc/freeswitch/autoload_configs/acl.conf.xml" \
            || errors+=("acl.conf.xml does not include pbxbridge_acl.xml")
        grep -q 'data="pbxbridge_vars.xml"' "$root/etc/freeswitch/vars.xml" || errors+=("vars.xml does not include pbxbridge_vars.xml")
    fi
    # The event socket is replaced: reloaded through the socket's old password, the profile then uses the new one.
    esl_rendered="$root/var/lib/pbxbridge-render/freeswitch/autoload_configs/event_socket.conf.xml"
    if [ -f "$esl_rendered" ]; then
        new_pw=$(sed -n 's/.*name="password" value="\([^"]*\)".*/\1/p' "$esl_rendered")
        grep -q -- '-p converge-esl-password -x reload mod_event_socket$' "$pbx/fs_cli.log" \
            || errors+=("event_socket.conf.xml replaced but no 'reload mod_event_socket' with the old password")
        grep -q -- "-p $new_pw -x sofia " "$pbx/fs_cli.log" \
            || errors+=("the sofia profile step did not use the rendered event socket password")
        [ "$(grep -n -- '-x reloadacl$' "$pbx/fs_cli.log" | head -1 | cut -d: -f1)" \
            -lt "$(grep -n -- '-x reload mod_event_socket$' "$pbx/fs_cli.log" | head -1 | cut -d: -f1)" ] \
            || errors+=("the event socket was reloaded before reloadacl")
    fi
    if [ "${#errors[@]}" -eq 0 ]; then
        pass pbx_snippets_installed_and_reloaded
    else
        fail pbx_snippets_installed_and_reloaded "${errors[*]}"
    fi

    cp "$pbx/asterisk.log" "$pbx/asterisk.before" 2>/dev/null
    cp "$pbx/fs_cli.log" "$pbx/fs_cli.before" 2>/dev/null
    if pbx_converge "$work/pbx2.log" && [ "$(recap_changed "$work/pbx2.log")" = 0 ] \
        && cmp -s "$pbx/asterisk.log" "$pbx/asterisk.before" && cmp -s "$pbx/fs_cli.log" "$pbx/fs_cli.before"; then
        pass pbx_snippets_second_run_changes_and_reloads_nothing
    else
        awk '/^TASK/ { task = $0 } /^(changed|fatal)/ { print "    | " task " " $0 }' "$work/pbx2.log"
        fail pbx_snippets_second_run_changes_and_reloads_nothing
    fi
else
    show_tail "$work/pbx1.log" 40
    fail pbx_snippets_installed_and_reloaded "the converge failed"
    fail pbx_snippets_second_run_changes_and_reloads_nothing "not run"
fi

# 7. Single-port media: the firewall opens the one port.
single_port_firewall_check

# 8. N nodes, the front and Redis.
cluster_check

# 9. The front's and Redis's firewalls.
cluster_firewall_check

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
