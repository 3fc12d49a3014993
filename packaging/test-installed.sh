#!/usr/bin/env bash
# test-installed.sh BUILD_DIR: the .debs that `packaging/setup.sh package` built in BUILD_DIR,
# installed system-wide with apt, used, then purged. It changes the machine's /usr, so it runs
# only as root, meant for a throwaway machine (CI); elsewhere it skips (exit 77).
#
#   installed: plainkey-cli --version/-v, plainkey-emulator --version, plainkey-console --version
#              without a display, man pages, the menu entry, icons, AppStream file, tab completion
#   a flow:    the installed emulator on a free port; a user signs up (emulator endpoint), and the
#              installed CLI fetches an access token and verifies the authentication token
#   console:   plainkey-console --demo offscreen, still up after a few seconds (no crash at start)
#   purged:    dpkg knows none of the packages, none of their files is left, and nothing new
#              under /usr or /etc that no other package owns
set -euo pipefail
build=$(cd "${1:?usage: test-installed.sh BUILD_DIR}" && pwd)

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: the installed-package test installs .debs system-wide, so it runs only as root on a throwaway machine (CI runs it as root)."
    exit 77
fi
shopt -s nullglob
debs=("$build"/plainkey-*.deb)
if [ ${#debs[@]} -eq 0 ]; then
    echo "FAIL: no plainkey-*.deb in $build: run packaging/setup.sh package first" >&2
    exit 1
fi
packages=()
for deb in "${debs[@]}"; do
    packages+=("$(dpkg-deb -f "$deb" Package)")
done
echo "== packages: ${packages[*]}"

work=$(mktemp -d)
emulator_pid=
cleanup() {
    [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

purge() {
    env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${packages[@]}" >/dev/null 2>&1 || true
}
# A copy left by an earlier run that stopped half-way would hide what this run installs.
purge
snapshot() { find /usr /etc -xdev \( -type f -o -type l \) 2>/dev/null | sort; }
snapshot >"$work/before"

echo "== install"
env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${debs[@]}" >"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log" >&2; fail "apt-get install of ${debs[*]} failed"; }
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" | grep -q "install ok installed" || fail "$p is not installed after apt-get install"
    dpkg -L "$p" >"$work/files-$p"
done

has() { printf '%s\n' "${packages[@]}" | grep -qx "$1"; }
no_display() { env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM HOME="$work/home" "$@"; }
mkdir -p "$work/home"

echo "== programs, man pages, completion"
[ "$(command -v plainkey-cli)" = /usr/bin/plainkey-cli ] || fail "plainkey-cli is not /usr/bin/plainkey-cli"
version=$(no_display plainkey-cli --version) || fail "plainkey-cli --version failed"
[[ $version == "plainkey-cli "[0-9]* ]] || fail "plainkey-cli --version printed '$version'"
[ "$(no_display plainkey-cli -v)" = "$version" ] || fail "plainkey-cli -v differs from --version"
no_display plainkey-cli --help | grep -q '^Commands:' || fail "plainkey-cli --help has no Commands section"
no_display plainkey-emulator --version | grep -q '^plainkey-emulator [0-9]' || fail "plainkey-emulator --version"
for p in "${packages[@]}"; do
    gzip -dc "/usr/share/man/man1/$p.1.gz" | grep -q '^\.SH OPTIONS' || fail "no man page with options for $p"
    [ -s "/usr/share/doc/$p/copyright" ] || fail "no /usr/share/doc/$p/copyright"
done
if command -v man >/dev/null; then
    man -P cat plainkey-cli 2>/dev/null | grep -q -- '--project-id' || fail "man plainkey-cli does not show --project-id"
fi
# Tab completion through bash-completion, as an interactive shell loads it: "plainkey-cli us<TAB>".
completion=/usr/share/bash-completion/completions/plainkey-cli
[ -f "$completion" ] || fail "no $completion"
if [ -f /usr/share/bash-completion/bash_completion ]; then
    words=$(bash -c '
        source /usr/share/bash-completion/bash_completion
        source '"$completion"'
        complete_line() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                          COMPREPLY=(); _plainkey_cli plainkey-cli "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"; echo "${COMPREPLY[*]}"; }
        complete_line plainkey-cli us
        complete_line plainkey-cli user re
        complete_line plainkey-cli --js')
    echo "$words" | sed 's/^/   completes: /'
    [ "$(sed -n 1p <<<"$words")" = "user users" ] || fail "plainkey-cli us<TAB> completed '$(sed -n 1p <<<"$words")', not 'user users'"
    [ "$(sed -n 2p <<<"$words")" = "rename" ] || fail "plainkey-cli user re<TAB> completed '$(sed -n 2p <<<"$words")'"
    [ "$(sed -n 3p <<<"$words")" = "--json" ] || fail "plainkey-cli --js<TAB> completed '$(sed -n 3p <<<"$words")'"
else
    echo "   (bash-completion is not installed: completion not exercised)"
fi

echo "== the installed emulator and CLI: sign up, token, verify"
# env execs the emulator, so $! is the emulator itself (a shell function here would put a
# subshell in between, and killing it would leave the emulator running).
env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM HOME="$work/home" \
    plainkey-emulator --port 0 >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 100); do
    url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$work/emulator.out" | head -1 || true)
    [ -n "$url" ] && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.err" >&2; fail "plainkey-emulator exited at start"; }
    sleep 0.1
done
[ -n "$url" ] || fail "plainkey-emulator printed no URL in 10 s"
port=${url##*:}
# POST /emulator/sign-up over bash's /dev/tcp: a user with a simulated passkey and an
# authentication token, as a frontend would get from a sign-up.
body='{"userName":"installed@example.com"}'
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /emulator/sign-up HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$port" "${#body}" "$body" >&3
answer=$(cat <&3)
exec 3<&-
token=$(grep -oE '"token" *: *"[^"]+"' <<<"$answer" | head -1 | sed -E 's/.*: *"([^"]+)"/\1/')
[ -n "$token" ] || fail "the emulator's sign-up gave no token: $(head -1 <<<"$answer")"
export PLAINKEY_BASE_URL=$url PLAINKEY_PROJECT_ID=demo-project PLAINKEY_CLIENT_SECRET=demo-secret
no_display plainkey-cli token >"$work/token.out" || fail "plainkey-cli token failed: $(cat "$work/token.out")"
no_display plainkey-cli --json verify "$token" >"$work/verify.out" || fail "plainkey-cli verify failed (exit $?): $(cat "$work/verify.out")"
grep -q '"valid": *true' "$work/verify.out" || fail "plainkey-cli verify did not say valid: $(cat "$work/verify.out")"
if no_display plainkey-cli verify "${token}x" >/dev/null 2>&1; then fail "plainkey-cli verify took a changed token"; fi
unset PLAINKEY_BASE_URL PLAINKEY_PROJECT_ID PLAINKEY_CLIENT_SECRET
kill "$emulator_pid"
wait "$emulator_pid" 2>/dev/null || true
kill -0 "$emulator_pid" 2>/dev/null && fail "plainkey-emulator (pid $emulator_pid) did not stop on SIGTERM"
emulator_pid=
echo "   token verified"

if has plainkey-console; then
    echo "== the installed console"
    [ -f /usr/share/applications/io.plainkey.Console.desktop ] || fail "no desktop entry"
    [ -f /usr/share/metainfo/io.plainkey.Console.metainfo.xml ] || fail "no AppStream metainfo"
    for size in 16x16 32x32 48x48 256x256 scalable; do
        ls /usr/share/icons/hicolor/$size/apps/io.plainkey.Console.* >/dev/null 2>&1 || fail "no $size icon"
    done
    no_display plainkey-console --version | grep -q '^plainkey-console [0-9]' || fail "plainkey-console --version without a display"
    no_display plainkey-console --help | grep -q -- '--demo' || fail "plainkey-console --help without a display"
    # Demo mode offscreen: the window, the embedded emulator, the demo connection. Still running
    # after 8 s (timeout's 124) means it came up and did not fail or crash on its way.
    set +e
    no_display env QT_QPA_PLATFORM=offscreen timeout 8 plainkey-console --demo >"$work/console.out" 2>&1
    rc=$?
    set -e
    [ "$rc" -eq 124 ] || { cat "$work/console.out" >&2; fail "plainkey-console --demo ended with $rc within 8 s"; }
    echo "   up for 8 s in demo mode"
fi

echo "== purge"
purge
for p in "${packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed"; then fail "$p is still installed after purge"; fi
    while read -r path; do
        if [ -e "$path" ] && [ ! -d "$path" ]; then fail "$path of $p is left after purge"; fi
    done <"$work/files-$p"
done
# Anything new under /usr or /etc belongs to another package (a dependency apt installed), or
# is a cache that triggers rebuild (icon and MIME caches); nothing else may stay.
left=()
while read -r path; do
    case "$path" in */icon-theme.cache | */mimeinfo.cache | /etc/ld.so.cache) continue ;; esac
    dpkg -S "$path" >/dev/null 2>&1 || left+=("$path")
done < <(comm -13 "$work/before" <(snapshot))
[ ${#left[@]} -eq 0 ] || fail "left behind after purge: ${left[*]}"
echo "PASS: ${packages[*]} installed, used and purged without a trace"
