#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs what is missing, configures,
# builds, then runs the console, the tests, the sanitizer suite or the benchmarks.
# Idempotent: packages already installed and an up-to-date build are skipped quickly.
#
#   packaging/setup.sh run        build and start the console in demo mode
#   packaging/setup.sh test       build and run every test
#   packaging/setup.sh sanitize   build with AddressSanitizer + UBSan and run every test
#   packaging/setup.sh bench      build and run the benchmarks (they print their figures)
#   packaging/setup.sh deps       only install the Debian packages
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-httpserver-dev qt6-websockets-dev libssl-dev
    qt6-tools-dev qt6-tools-dev-tools qtkeychain-qt6-dev libgl-dev
    qt6-qpa-plugins fonts-dejavu-core libssl-dev
    dbus gnome-keyring libsecret-tools xvfb xauth
)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return
    fi
    echo "setup: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() { # build DIR [cmake options...]
    local dir=$1
    shift
    if [ ! -f "$dir/build.ninja" ]; then
        cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
    fi
    cmake --build "$dir" -j "$(nproc)"
}

run_tests() { # run_tests DIR
    local dir=$1
    # A private session bus: keychain tests get their own Secret Service, and nothing a
    # test starts outlives the run.
    if command -v dbus-run-session >/dev/null; then
        dbus-run-session -- ctest --test-dir "$dir" --output-on-failure --timeout 300 -j 2
    else
        ctest --test-dir "$dir" --output-on-failure --timeout 300 -j 2
    fi
}

command=${1:-run}
case "$command" in
deps)
    install_deps
    ;;
run)
    install_deps
    build build
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
        echo "setup: no display found; starting the console under a virtual X server (xvfb-run)." >&2
        exec xvfb-run -a ./build/src/gui/plainkey-console --demo "${@:2}"
    fi
    exec ./build/src/gui/plainkey-console --demo "${@:2}"
    ;;
test)
    install_deps
    build build
    run_tests build
    ;;
sanitize)
    install_deps
    build build-asan -DPLAINKEY_SANITIZE=ON -DPLAINKEY_BUILD_BENCH=OFF
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_tests build-asan
    ;;
bench)
    install_deps
    packages=(wrk nginx-light curl python3)
    install_deps
    build build
    for b in build/bench/*/*; do
        [ -f "$b" ] && [ -x "$b" ] || continue
        echo "== $b"
        QT_QPA_PLATFORM=offscreen "$b"
    done
    echo "== bench/emulator/load.sh"
    bench/emulator/load.sh build
    ;;
*)
    echo "usage: packaging/setup.sh run|test|sanitize|bench|deps" >&2
    exit 2
    ;;
esac
