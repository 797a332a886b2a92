#!/usr/bin/env bash
# Installs the Debian packages the tests need. Idempotent: installs only what is missing and runs
# `apt-get update` at most once. Used by .ci/run; a developer can run it too (as root or with sudo).
set -euo pipefail

PACKAGES=(
  chromium            # e2e tests and the renderer benchmark (driven by playwright-core)
  libsecret-1-dev     # keytar builds from source against libsecret
  pkg-config
  gnome-keyring       # a real Secret Service for the keychain tests
  dbus-x11            # dbus-run-session: a private D-Bus session for gnome-keyring
  python3 make g++    # node-gyp for better-sqlite3 and keytar
  curl                # the upload benchmark's baseline (curl -T)
  postgresql          # the team ledger's tests start a throwaway cluster (initdb, pg_ctl) of their own
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-ci: all Debian packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup-ci: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
