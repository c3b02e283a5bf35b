#!/usr/bin/env bash
# Benchmarks of the cached credential path, whole process: `whoami` and
# `credential-process` for a depth-5 chain with everything cached (no
# network, no keyring; target < 10 ms), then the Go benchmarks: 20 concurrent
# login processes against an expired session (exactly 1 device
# authorization) and auto-provisioning 100 accounts x 3 roles with 50 ms
# emulator latency (target < 2 s).
#
#   scripts/bench-aws.sh            # hyperfine + go benchmarks
#   RUNS=200 scripts/bench-aws.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
lc_pid=
cleanup() {
	[ -n "$lc_pid" ] && kill "$lc_pid" 2>/dev/null && wait "$lc_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
export GOPATH=$(go env GOPATH) GOMODCACHE=$(go env GOMODCACHE) GOCACHE=$(go env GOCACHE)
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install -y hyperfine" >&2; exit 1; }

(cd "$root" && go build -o "$work/atmos-auth" . && go build -o "$work/atmos-localcloud" ./cmd/atmos-localcloud)
"$work/atmos-localcloud" --auto-approve --url-file "$work/url" 2>/dev/null &
lc_pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
export LOCALCLOUD_URL=$(cat "$work/url")
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache" XDG_DATA_HOME="$work/home/.local/share"
export ATMOS_CLI_CONFIG_PATH="$work/atmos.yaml" ATMOS_KEYRING_TYPE=file ATMOS_KEYRING_PASSWORD=bench
export ATMOS_AUTH_DEVICE_FLOW=non-interactive ATMOS_AUTH_NO_BROWSER=1
cp "$root/scripts/bench-chain5.yaml" "$work/atmos.yaml"
"$work/atmos-auth" login -i d5 >/dev/null 2>&1
before=$(curl -fsS "$LOCALCLOUD_URL/_admin/stats")
runs=${RUNS:-100}
hyperfine -N --warmup 10 --runs "$runs" \
	"$work/atmos-auth whoami -i d5" \
	"$work/atmos-auth credential-process --identity d5" \
	"$work/atmos-auth login -i d5"
after=$(curl -fsS "$LOCALCLOUD_URL/_admin/stats")
[ "$before" = "$after" ] && echo "local cloud calls during the cached runs: none" || echo "WARNING: the cached path called the local cloud: $before -> $after"

cd "$root"
go test ./cloud/aws -run '^$' -bench 'ConcurrentLogins20|AutoProvision100x3Latency50ms' -benchtime 3x
