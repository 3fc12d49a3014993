#!/usr/bin/env bash
# check-manpage.sh PROGRAM MANPAGE.gz: the options of PROGRAM --help and of its man page are the
# same set (every -x and --long-name in the help's Options section, every one in the page's
# OPTIONS section). Also checks that man can render the page when man is installed.
set -euo pipefail
program=$1
page=$2
name=${program##*/}

help_options=$(env -u DISPLAY -u WAYLAND_DISPLAY "$program" --help |
    sed -n '/^Options:/,/^$/p' | grep -E '^ +-' |
    sed -E 's/^ +//; s/  .*//' | grep -oE -- '--?[A-Za-z0-9?][A-Za-z0-9-]*' | sort -u)
man_options=$(gzip -dc "$page" |
    sed -n '/^\.SH OPTIONS/,/^\.SH /p' | grep -E '^\.B ' |
    sed -E 's/^\.B //; s/\\-/-/g' | grep -oE -- '--?[A-Za-z0-9?][A-Za-z0-9-]*' | sort -u)

if [ -z "$help_options" ]; then
    echo "FAIL: $name --help lists no options" >&2
    exit 1
fi
if [ "$help_options" != "$man_options" ]; then
    echo "FAIL: $name: the options of --help and of $page differ" >&2
    diff <(echo "$help_options") <(echo "$man_options") | sed 's/^</  only in --help:/; s/^>/  only in the man page:/' >&2 || true
    exit 1
fi
if command -v man >/dev/null; then
    MANWIDTH=80 man --warnings -l "$page" >/dev/null
fi
echo "PASS: $name: $(echo "$help_options" | wc -l) options in --help and in the man page"
