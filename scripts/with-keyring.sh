#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so the keychain
# tests talk to a real Secret Service without touching the user's own keyring.
# Usage: scripts/with-keyring.sh <command...>
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring: dbus-run-session or gnome-keyring-daemon missing; run scripts/setup-ci.sh" >&2
  exit 1
fi
KEYRING_HOME="$(mktemp -d -t authenta-keyring-XXXXXX)"
trap 'rm -rf "$KEYRING_HOME"' EXIT
export KEYRING_HOME
# Not `exec`: the EXIT trap above must still run to remove the keyring's folder (with `exec` it
# never did, and every run left one in /tmp). The command's exit code is the script's.
dbus-run-session -- bash -c '
  export HOME="$KEYRING_HOME" XDG_DATA_HOME="$KEYRING_HOME/.local/share" XDG_RUNTIME_DIR="$KEYRING_HOME/run"
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)" >/dev/null
  export AUTHENTA_TEST_SECRET_SERVICE=1
  "$@"
' with-keyring "$@"
