#!/usr/bin/env bash
# Runs one test with a Secret Service of its own: a private session bus and an unlocked
# GNOME Keyring in a throw-away home, so keychain tests never touch the user's keyring and
# two of them can run at once. Fails (does not skip) when the tools are missing: setup.sh
# installs them (dbus, gnome-keyring).
#
#   with-secret-service.sh TEST [ARGS...]
set -euo pipefail

if [ -z "${PLAINKEY_PRIVATE_BUS:-}" ]; then
    command -v dbus-run-session >/dev/null || { echo "with-secret-service: dbus-run-session is missing (apt-get install dbus)" >&2; exit 1; }
    export PLAINKEY_PRIVATE_BUS=1
    exec dbus-run-session -- "$0" "$@"
fi
command -v gnome-keyring-daemon >/dev/null || { echo "with-secret-service: gnome-keyring-daemon is missing (apt-get install gnome-keyring)" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch" 2>/dev/null || true' EXIT
export HOME=$scratch/home XDG_RUNTIME_DIR=$scratch/run XDG_DATA_HOME=$scratch/home/.local/share XDG_CONFIG_HOME=$scratch/home/.config
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" && mkdir -m 700 "$XDG_RUNTIME_DIR"
# A non-empty password creates and unlocks the login keyring without asking anyone.
printf 'plainkey-tests' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$@"
