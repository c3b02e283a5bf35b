#!/usr/bin/env bash
# Runs the test suite. Tests that need a D-Bus session (the Secret Service
# keyring) start their own private bus; everything else gets
# DBUS_SESSION_BUS_ADDRESS=disabled: so the keyring library never tries to
# autolaunch one.
set -euo pipefail
cd "$(dirname "$0")/.."
export DBUS_SESSION_BUS_ADDRESS="${DBUS_SESSION_BUS_ADDRESS:-disabled:}"
pkgs=("$@"); [ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)
go vet "${pkgs[@]}"
exec go test -count=1 -timeout 20m "${pkgs[@]}"
