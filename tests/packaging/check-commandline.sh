#!/usr/bin/env bash
# check-commandline.sh PROGRAM VERSION: --version, -v and --help answer without a display (no
# DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM): exit 0, "NAME VERSION", a usage line. The
# console must read them before it creates its QApplication, which needs a display.
set -uo pipefail
program=$1
version=$2
name=${program##*/}
bare() { env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$program" "$@" 2>&1; }
failed=0
for option in --version -v; do
    out=$(bare "$option")
    rc=$?
    if [ "$rc" -ne 0 ] || [ "$out" != "$name $version" ]; then
        echo "FAIL: $name $option without a display: exit $rc, printed: $out" >&2
        failed=1
    fi
done
out=$(bare --help)
rc=$?
if [ "$rc" -ne 0 ] || ! grep -qE "^Usage: ([^ ]*/)?$name " <<<"$out"; then
    echo "FAIL: $name --help without a display: exit $rc, printed: $(head -3 <<<"$out")" >&2
    failed=1
fi
[ "$failed" -eq 0 ] && echo "PASS: $name --version, -v and --help without a display"
exit "$failed"
