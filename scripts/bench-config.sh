#!/usr/bin/env bash
# Benchmarks `validate` and `list --format json` as whole processes on the
# reference examples and on generated configs of 10, 1,000 and 10,000
# identities (chains up to depth 10). Prints mean wall time (hyperfine) and
# peak RSS (GNU time). Usage: scripts/bench-config.sh [sizes...]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
go build -trimpath -o "$tmp/atmos-auth" .
bin="$tmp/atmos-auth"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(10 1000 10000)
cp testdata/reference/atmos.yaml "$tmp/reference.yaml"
configs=("reference:$tmp/reference.yaml")
for n in "${sizes[@]}"; do
  go run ./scripts/genconfig -n "$n" > "$tmp/c$n.yaml"
  configs+=("$n:$tmp/c$n.yaml")
done
export DBUS_SESSION_BUS_ADDRESS=disabled:
printf '%-10s %-22s %12s %12s %10s\n' config command mean_ms stddev_ms peak_MiB
for c in "${configs[@]}"; do
  name=${c%%:*}; file=${c#*:}
  for cmd in "validate" "list --format json"; do
    hyperfine -N -w 5 -m 30 --export-json "$tmp/h.json" "$bin $cmd --config $file" >/dev/null 2>&1
    read -r mean sd < <(jq -r '.results[0] | "\(.mean*1000) \(.stddev*1000)"' "$tmp/h.json")
    /usr/bin/time -o "$tmp/t" -f %M "$bin" $cmd --config "$file" >/dev/null 2>&1; peak=$(tail -1 "$tmp/t")
    printf '%-10s %-22s %12.2f %12.2f %10.1f\n' "$name" "$cmd" "$mean" "$sd" "$(echo "$peak/1024" | bc -l)"
  done
done
