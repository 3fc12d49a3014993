#!/usr/bin/env bash
# Load benchmark: wrk against the emulator's verify endpoint and, in the same run, against
# nginx answering a fixed JSON body of the same size, on loopback. Prints both rates, their
# ratio, the emulator's latency percentiles and its memory before, during and after a soak
# of about a million requests.
#
#   bench/emulator/load.sh [BUILD_DIR] [SECONDS] [SOAK_REQUESTS]
#
# Both servers are single-threaded (the emulator runs one event loop; nginx gets one worker),
# so the ratio compares request handling, not thread counts. wrk: keep-alive, 2 threads,
# 50 connections. Only loopback addresses are used; every loop is bounded in time.
set -euo pipefail

build=${1:-build}
seconds=${2:-10}
soak=${3:-1000000}
threads=2
connections=50

emulator=$build/src/emulator/plainkey-emulator
for tool in wrk nginx curl python3; do
    command -v "$tool" >/dev/null || { echo "load.sh: $tool is not installed (packaging/setup.sh bench installs it)" >&2; exit 2; }
done
[ -x "$emulator" ] || { echo "load.sh: $emulator is not built" >&2; exit 2; }

work=$(mktemp -d)
emu_pid=
nginx_pid=
cleanup() {
    [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null || true
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# CPU time a process has used, in clock ticks (user + system): with the request count it gives
# CPU per request, which a busy machine disturbs far less than the rate.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)
cpu_per_request() { # cpu_per_request TICKS REQUESTS -> microseconds
    python3 -c 'import sys; print("%.1f" % (float(sys.argv[1]) / float(sys.argv[3]) * 1e6 / float(sys.argv[2])))' "$1" "$2" "$ticks_per_second"
}

json_field() { # json_field FIELD.PATH < json
    python3 -c 'import json,sys
v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v=v[k]
print(v)' "$1"
}

# wrk prints "Requests/sec: N" and, with --latency, a distribution with "99%  3.21ms".
wrk_rate() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
wrk_pct() { awk -v p="$2" '$1 == p { print $2 }' "$1"; }
wrk_requests() { awk '/requests in/ { print $1 }' "$1"; }
wrk_errors() { awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$1"; }

"$emulator" --port 0 >"$work/emulator.url" 2>"$work/emulator.log" &
emu_pid=$!
for _ in $(seq 100); do
    [ -s "$work/emulator.url" ] && break
    sleep 0.05
done
url=$(head -n1 "$work/emulator.url")
[ -n "$url" ] || { echo "load.sh: the emulator did not start:" >&2; cat "$work/emulator.log" >&2; exit 1; }

access=$(curl -sf -d 'client_id=demo-project&client_secret=demo-secret' "$url/access-token" | json_field access_token)
auth=$(curl -sf -H 'Content-Type: application/json' -d '{"userName":"load@example.com"}' "$url/emulator/sign-up" \
    | json_field authenticationToken.token)
body=$(curl -sf -H "Authorization: Bearer $access" -H 'x-project-id: demo-project' -H 'Content-Type: application/json' \
    -d "{\"token\":\"$auth\"}" "$url/authentication-token/verify")
echo "$body" | grep -q '"valid":true' || { echo "load.sh: the verify answer is not valid: $body" >&2; exit 1; }

cat >"$work/verify.lua" <<EOF
wrk.method = "POST"
wrk.body = '{"token":"$auth"}'
wrk.headers["Authorization"] = "Bearer $access"
wrk.headers["x-project-id"] = "demo-project"
wrk.headers["Content-Type"] = "application/json"
EOF

# nginx: one worker, the same JSON body bytes, the same request.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port;
        location / {
            default_type application/json;
            return 200 '$body';
        }
    }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 100); do
    curl -sf -X POST -d x "http://127.0.0.1:$port/authentication-token/verify" >/dev/null 2>&1 && break
    sleep 0.05
done

echo "load: wrk -t$threads -c$connections -d${seconds}s, keep-alive, POST /authentication-token/verify ($(printf %s "$body" | wc -c)-byte answer)"
rss_before=$(rss_kib "$emu_pid")
emu_cpu=$(cpu_ticks "$emu_pid")
wrk -t$threads -c$connections -d"${seconds}s" --latency -s "$work/verify.lua" "$url/authentication-token/verify" >"$work/emu.txt"
emu_cpu=$(( $(cpu_ticks "$emu_pid") - emu_cpu ))
rss_after=$(rss_kib "$emu_pid")
nginx_worker=$(pgrep -P "$nginx_pid" | head -n1)
nginx_cpu=$(cpu_ticks "$nginx_worker")
wrk -t$threads -c$connections -d"${seconds}s" --latency -s "$work/verify.lua" "http://127.0.0.1:$port/authentication-token/verify" >"$work/nginx.txt"
nginx_cpu=$(( $(cpu_ticks "$nginx_worker") - nginx_cpu ))

emu_rate=$(wrk_rate "$work/emu.txt")
nginx_rate=$(wrk_rate "$work/nginx.txt")
printf 'emulator: %10.0f req/s   p50 %s  p90 %s  p99 %s   errors %s\n' "$emu_rate" \
    "$(wrk_pct "$work/emu.txt" 50%)" "$(wrk_pct "$work/emu.txt" 90%)" "$(wrk_pct "$work/emu.txt" 99%)" "$(wrk_errors "$work/emu.txt")"
printf 'nginx:    %10.0f req/s   p50 %s  p90 %s  p99 %s   errors %s\n' "$nginx_rate" \
    "$(wrk_pct "$work/nginx.txt" 50%)" "$(wrk_pct "$work/nginx.txt" 90%)" "$(wrk_pct "$work/nginx.txt" 99%)" "$(wrk_errors "$work/nginx.txt")"
python3 -c 'import sys; print("ratio emulator/nginx: %.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$emu_rate" "$nginx_rate"
echo "CPU per request: emulator $(cpu_per_request "$emu_cpu" "$(wrk_requests "$work/emu.txt")") us, nginx worker $(cpu_per_request "$nginx_cpu" "$(wrk_requests "$work/nginx.txt")") us"
echo "emulator memory: ${rss_before} KiB before, ${rss_after} KiB after $(wrk_requests "$work/emu.txt") requests"

# Soak: about SOAK_REQUESTS more requests in chunks, RSS after each, to show memory stays flat.
chunk=$(python3 -c 'import math,sys; print(max(2, math.ceil(float(sys.argv[1]) / float(sys.argv[2]) / 5)))' "$soak" "$emu_rate")
total=$(wrk_requests "$work/emu.txt")
line="emulator memory during soak (KiB):"
for i in 1 2 3 4 5; do
    wrk -t$threads -c$connections -d"${chunk}s" -s "$work/verify.lua" "$url/authentication-token/verify" >"$work/soak.txt"
    total=$((total + $(wrk_requests "$work/soak.txt")))
    line="$line $(rss_kib "$emu_pid")"
done
echo "$line"
echo "emulator memory: $(rss_kib "$emu_pid") KiB after $total requests in all (start ${rss_before} KiB)"
