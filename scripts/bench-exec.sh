#!/usr/bin/env bash
# Whole-process timings (hyperfine, no shell): `exec` overhead over running
# the command directly, `env` (no login: what is cached is read, nothing
# else), `prompt`, and the hook entry point on a change of identity.
# Usage: scripts/bench-exec.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
go build -trimpath -o "$tmp/atmos-auth" .
bin=$tmp/atmos-auth
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_DATA_HOME=$tmp/home/.local/share \
  XDG_CACHE_HOME=$tmp/home/.cache DBUS_SESSION_BUS_ADDRESS=disabled: ATMOS_CLI_CONFIG_PATH=$tmp/atmos.yaml
mkdir -p "$HOME" "$tmp/w"
cat > "$tmp/atmos.yaml" <<'YAML'
auth:
  identities:
    base: {kind: aws/ambient}
    a:
      kind: aws/assume-role
      via: {identity: base}
      principal: {assume_role: "arn:aws:iam::999999999999:role/A", region: eu-west-1}
YAML
printf 'identity: a\n' > "$tmp/w/.atmos-identity"
"$bin" allow "$tmp/w" 2>/dev/null
cd "$tmp/w"
export ATMOS_IDENTITY=a AWS_CREDENTIAL_EXPIRATION=2999-01-01T00:00:00Z
hyperfine -N -w 20 -m 200 --export-json "$tmp/h.json" \
  "/bin/true" \
  "$bin exec -i a -- /bin/true" \
  "$bin env -i a" \
  "$bin prompt" \
  "$bin __hook bash" >/dev/null 2>&1
jq -r '.results[] | "\(.command | sub(".*/atmos-auth"; "atmos-auth"))\t\(.mean*1000)\t\(.stddev*1000)"' "$tmp/h.json" |
  awk -F'\t' 'NR == 1 { base = $2 } { printf "%-32s %8.2f ms ± %5.2f%s\n", $1, $2, $3, (NR == 2 ? sprintf("   (exec overhead %.2f ms)", $2 - base) : "") }'
