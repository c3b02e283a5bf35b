#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian 12 machine:
# real shells, keyring backends, graphviz, the ECR registry, chromium
# (headless, for the device approval page), npm tools.
# Idempotent: re-running skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PKGS=(zsh fish tcsh elvish shellcheck graphviz direnv hyperfine gnome-keyring
  libsecret-tools pass keyutils docker-registry apache2-utils dbus chromium
  azure-cli)
# kubectl (the EKS tests' client): Debian's unless the image has one (gcloud's).
command -v kubectl >/dev/null || APT_PKGS+=(kubernetes-client)

missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # dbus-x11 must never be pulled in: it makes the keyring library launch
  # and leak a dbus-daemon on every process start.
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm tools: nushell (a real shell), tree-sitter + PowerShell grammar (syntax
# checks; PowerShell itself cannot be installed here), mermaid parser, samlp +
# express (an independent SAML IdP for the Browser driver tests).
# `npm install` with the committed lock, not `npm ci`: nushell lists
# optional per-platform packages that the registry reachable here does not
# serve (darwin, windows…), and `npm ci` rejects the lock for that. The lock
# is not rewritten (checked by a fresh-clone run of .ci/run).
if [ -f scripts/npm/package.json ] && command -v npm >/dev/null; then
  (cd scripts/npm && { { [ -d node_modules/mermaid ] && [ -d node_modules/samlp ]; } || npm install --no-audit --no-fund --loglevel=error; })
fi

go mod download
