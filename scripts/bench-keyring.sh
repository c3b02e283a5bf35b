#!/usr/bin/env bash
# Benchmarks every keyring backend that runs here (memory, file, keyctl,
# secret-service inside a private dbus-run-session, pass with a batch gpg
# key) and the file keyring's key derivation. Extra args go to go test,
# e.g. scripts/bench-keyring.sh -benchtime=3s
set -euo pipefail
cd "$(dirname "$0")/.."
exec go test -run '^$' -bench . -benchtime=1s "$@" ./keyring/
