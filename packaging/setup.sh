#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine: installs what is missing, configures,
# builds, then runs the console, the tests, the sanitizer suite or the benchmarks.
# Idempotent: packages already installed and an up-to-date build are skipped quickly.
#
#   packaging/setup.sh run        build and start the console in demo mode
#   packaging/setup.sh test       build and run every test
#   packaging/setup.sh sanitize   build with AddressSanitizer + UBSan (float-cast-overflow too) and run every test
#   packaging/setup.sh bench      build and run the benchmarks (they print their figures)
#   packaging/setup.sh fuzz [SECONDS]  build the libFuzzer targets with clang and run each for
#                                 SECONDS (default 60) on a copy of its seed corpus
#   packaging/setup.sh package    build the Debian packages (release build in build-package/),
#                                 check them (lintian, desktop-file-validate, appstreamcli) and
#                                 print the path of each .deb
#   packaging/setup.sh installed-test  as root on a throwaway machine (CI): install the packages
#                                 built by `package`, use them, purge them (packaging/test-installed.sh)
#   packaging/setup.sh deps       only install the Debian packages
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

packages=(
    build-essential cmake ninja-build pkg-config
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-websockets-dev
    qt6-tools-dev qt6-tools-dev-tools qtkeychain-qt6-dev libgl-dev
    qt6-qpa-plugins fonts-dejavu-core libssl-dev
    dbus gnome-keyring libsecret-tools xvfb xauth
    chromium  # tests/browser: the sample sign-in page in a real (headless) browser
)
# npm for tests/browser's package-lock.json; Debian's only where no Node.js brought its own
# (NodeSource's nodejs includes npm and conflicts with Debian's npm package).
command -v npm >/dev/null || packages+=(npm)

# Only the fuzz command needs clang and its libFuzzer runtime; the other commands build with g++.
fuzz_packages=(clang-14 libclang-rt-14-dev)
# Only the package command: CPack's DEB generator (dpkg-shlibdeps, fakeroot), the checkers, and
# bash-completion for the installed test's completion check. The icon's PNGs are committed;
# librsvg2-bin (rsvg-convert) is for packaging/render-icons.sh after an edit of the SVG.
package_packages=(dpkg-dev fakeroot lintian desktop-file-utils appstream bash-completion librsvg2-bin)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() { # install_deps [extra packages...]
    local missing=()
    for p in "${packages[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return
    fi
    echo "setup: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# PLAINKEY_WERROR=1 in the environment (.ci/run sets it) makes every warning an error in the
# builds below, also in a build folder configured before.
werror_option() {
    if [ -n "${PLAINKEY_WERROR:-}" ]; then echo -DPLAINKEY_WERROR=ON; fi
}

build() { # build DIR [cmake options...]
    local dir=$1
    shift
    if [ ! -f "$dir/build.ninja" ]; then
        cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(werror_option) "$@"
    elif [ -n "$(werror_option)" ]; then
        cmake -B "$dir" $(werror_option) >/dev/null
    fi
    cmake --build "$dir" -j "$(nproc)"
}

# tests/browser loads @simplewebauthn/browser, the library PlainKey's browser SDK drives, at
# the version its package-lock.json pins, from the npm registry (never committed). Without npm
# that test function skips itself.
browser_test_modules() {
    if ! command -v npm >/dev/null; then
        echo "setup: no npm, so tests/browser skips its @simplewebauthn/browser test" >&2
        return
    fi
    # npm ci writes this copy of the lock; newer than the committed one means up to date.
    if [ tests/browser/node_modules/.package-lock.json -nt tests/browser/package-lock.json ]; then
        return
    fi
    npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund
}

run_tests() { # run_tests DIR
    local dir=$1
    # A private session bus: keychain tests get their own Secret Service, and nothing a
    # test starts outlives the run.
    if command -v dbus-run-session >/dev/null; then
        dbus-run-session -- ctest --test-dir "$dir" --output-on-failure --timeout 300 -j 2 -LE installed
    else
        ctest --test-dir "$dir" --output-on-failure --timeout 300 -j 2 -LE installed
    fi
}

# Release packages in build-package/: Debian's build flags (hardening: -fstack-protector-strong,
# _FORTIFY_SOURCE, relro/now) as debhelper would set them, --as-needed so a program depends only
# on the libraries it uses, stripped by CPack. No tests or benchmarks in this build.
build_packages() {
    local dir=build-package
    if [ ! -f "$dir/build.ninja" ]; then
        (
            export DEB_BUILD_MAINT_OPTIONS=hardening=+all
            export DEB_LDFLAGS_MAINT_APPEND=-Wl,--as-needed
            eval "$(dpkg-buildflags --export=sh)"
            # CMake reads CXXFLAGS but not CPPFLAGS (-D_FORTIFY_SOURCE=2); debhelper joins them too.
            export CXXFLAGS="$CPPFLAGS $CXXFLAGS"
            cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr $(werror_option) \
                -DPLAINKEY_BUILD_TESTS=OFF -DPLAINKEY_BUILD_BENCH=OFF -DPLAINKEY_INSTALLED_TEST=ON
        )
    elif [ -n "$(werror_option)" ]; then
        cmake -B "$dir" $(werror_option) >/dev/null
    fi
    cmake --build "$dir" -j "$(nproc)"
    rm -f "$dir"/plainkey-*.deb
    (cd "$dir" && cpack -G DEB >cpack.log 2>&1) || { cat "$dir/cpack.log" >&2; exit 1; }
    desktop-file-validate packaging/linux/io.plainkey.Console.desktop
    appstreamcli validate --no-net --explain "$dir/packaging/io.plainkey.Console.metainfo.xml"
    # Errors fail the command; the warnings that remain are explained in packaging/README.md.
    lintian --fail-on error "$dir"/plainkey-*.deb
    for deb in "$dir"/plainkey-*.deb; do
        echo "$(pwd)/$deb"
    done
}

command=${1:-run}
case "$command" in
deps)
    install_deps
    ;;
package)
    install_deps "${package_packages[@]}"
    build_packages
    ;;
installed-test)
    # The packages of `package`; the test installs them, so only where that is wanted (root).
    ctest --test-dir build-package -L installed --output-on-failure
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
    browser_test_modules
    build build
    run_tests build
    ;;
sanitize)
    install_deps
    browser_test_modules
    # Warnings are errors in the test and package builds; GCC's sanitizer instrumentation adds
    # warnings of its own (flow analysis through the checks), which are not failures here.
    PLAINKEY_WERROR= build build-asan -DPLAINKEY_SANITIZE=ON -DPLAINKEY_BUILD_BENCH=OFF
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_tests build-asan
    ;;
bench)
    install_deps wrk nginx-light curl python3  # bench/emulator/load.sh
    build build
    for b in build/bench/*/*; do
        [ -f "$b" ] && [ -x "$b" ] || continue
        echo "== $b"
        QT_QPA_PLATFORM=offscreen "$b"
    done
    echo "== bench/emulator/load.sh"
    bench/emulator/load.sh build
    ;;
fuzz)
    seconds=${2:-60}
    case "$seconds" in ''|*[!0-9]*) echo "setup: fuzz takes a whole number of seconds, not '$seconds'" >&2; exit 2 ;; esac
    install_deps "${fuzz_packages[@]}"
    # Its own build dir: clang with libFuzzer, ASan and UBSan; only the core and the targets.
    if [ ! -f build-fuzz/build.ninja ]; then
        cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
            -DPLAINKEY_FUZZ=ON -DPLAINKEY_BUILD_TESTS=OFF -DPLAINKEY_BUILD_GUI=OFF -DPLAINKEY_BUILD_BENCH=OFF
    fi
    cmake --build build-fuzz --target fuzz -j "$(nproc)"
    # The corpus is copied so a run never writes into the checkout; what the run adds stays in
    # the work dir for a longer run to start from.
    work=${PLAINKEY_FUZZ_WORK:-build-fuzz/work}
    failed=()
    for exe in build-fuzz/tests/fuzz/fuzz_*; do
        [ -f "$exe" ] && [ -x "$exe" ] || continue
        name=${exe##*/fuzz_}
        mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
        cp -n tests/fuzz/corpus/"$name"/* "$work/$name/corpus/" 2>/dev/null || true
        dict=()
        [ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
        log="$work/$name/last-run.log"
        set +e
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            "$exe" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 "${dict[@]}" \
            -artifact_prefix="$work/$name/artifacts/" "$work/$name/corpus" >"$log" 2>&1
        rc=$?
        set -e
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
        if [ "$rc" -eq 0 ]; then
            printf 'fuzz %-16s %12s executions %8s exec/s  nothing found\n' "$name" "${execs:-?}" "${rate:-?}"
        else
            reproducer=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
            printf 'fuzz %-16s %12s executions %8s exec/s  FOUND A CRASH (exit %s)\n' "$name" "${execs:-?}" "${rate:-?}" "$rc"
            grep -a -m3 -E 'ERROR:|SUMMARY:|runtime error|survived' "$log" | sed 's/^/    /' || true
            echo "    reproducer: ${reproducer:-none written} (log: $log)"
            echo "    replay: $exe ${reproducer:-REPRODUCER}"
            failed+=("$name")
        fi
    done
    if [ ${#failed[@]} -ne 0 ]; then
        echo "setup: fuzzing found crashes in: ${failed[*]}" >&2
        exit 1
    fi
    ;;
*)
    echo "usage: packaging/setup.sh run|test|sanitize|bench|package|installed-test|deps|fuzz [SECONDS]" >&2
    exit 2
    ;;
esac
