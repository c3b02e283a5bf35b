#!/usr/bin/env bash
# The hot paths against the process-start floor, interleaved in one run
# (scripts/benchhot: every round runs each command once, in turn, so that
# drift on a shared machine slows all alike):
#
#   hello               a Go hello world (the floor: process start + runtime)
#   credential-process  cached credentials for a depth-5 chain, with the very
#                       command line of the managed profile's credential_process
#                       (what every AWS SDK call runs)
#   env                 the identity's environment
#   exec                `exec -i d5 -- hello`
#   prompt              the prompt segment in a hooked directory
#   __hook              the hook entry point entering a directory (a switch)
#
# and prints each one's median and its ratio to hello; the exec overhead is
# exec minus hello. The binary is built as `make build` builds it.
# Nothing touches the network after the one login (the local cloud's call
# counters are compared before and after).
#
#   scripts/bench-hot.sh            # 300 rounds
#   RUNS=1000 scripts/bench-hot.sh
#   BEFORE=/path/to/older/atmos-auth scripts/bench-hot.sh   # adds its rows, same rounds
#   PROFILE=env scripts/bench-hot.sh   # instead: where one command's time goes
#
# PROFILE=<row> runs that row RUNS times under `perf record` (frame pointers,
# kernel included) and prints, per frame, the share of all samples spent in
# it and below (page faults, runtime start-up, package init, our work), plus
# the page faults per run (`perf stat`).
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

mkdir -p "$work/hello"
cat >"$work/hello/main.go" <<'GO'
package main

import "fmt"

func main() { fmt.Println("hello, world") }
GO
(cd "$work/hello" && printf 'module hello\n\ngo 1.22\n' >go.mod && go build -o "$work/hello/hello" .)
make -s -C "$root" build BIN="$work/atmos-auth" >/dev/null
(cd "$root" && go build -o "$work/atmos-localcloud" ./cmd/atmos-localcloud && go build -o "$work/benchhot" ./scripts/benchhot)

"$work/atmos-localcloud" --auto-approve --url-file "$work/url" >/dev/null 2>&1 &
lc_pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
export LOCALCLOUD_URL=$(cat "$work/url")
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache" XDG_DATA_HOME="$work/home/.local/share"
export ATMOS_CLI_CONFIG_PATH="$work/atmos.yaml" ATMOS_KEYRING_TYPE=file ATMOS_KEYRING_PASSWORD=bench
export ATMOS_AUTH_DEVICE_FLOW=non-interactive ATMOS_AUTH_NO_BROWSER=1 DBUS_SESSION_BUS_ADDRESS=disabled:
cp "$root/scripts/bench-chain5.yaml" "$work/atmos.yaml"
bin=$work/atmos-auth
"$bin" login -i d5 >/dev/null 2>&1
mkdir -p "$work/w"
printf 'identity: d5\n' >"$work/w/.atmos-identity"
"$bin" allow "$work/w" 2>/dev/null
cd "$work/w"

old=()
if [ -n "${BEFORE:-}" ]; then
	# The older binary gets a home of its own, logged in and trusting the
	# directory the same way: sharing one would have each binary's env
	# rewrite the managed profiles the other one wrote (they name the
	# binary), and time that rewrite.
	bh=$work/before-home
	bvars="HOME=$bh XDG_CONFIG_HOME=$bh/.config XDG_CACHE_HOME=$bh/.cache XDG_DATA_HOME=$bh/.local/share"
	# shellcheck disable=SC2086 # bvars are words
	env $bvars "$BEFORE" login -i d5 >/dev/null 2>&1
	# shellcheck disable=SC2086
	env $bvars "$BEFORE" allow "$work/w" 2>/dev/null
	old=("before:credential-process=$bvars $BEFORE --config $work/atmos.yaml credential-process --identity d5"
		"before:env=$bvars $BEFORE env -i d5" "before:exec=$bvars $BEFORE exec -i d5 -- $work/hello/hello"
		"before:prompt=$bvars $BEFORE prompt" "before:__hook=$bvars $BEFORE __hook bash")
fi
before=$(curl -fsS "$LOCALCLOUD_URL/_admin/stats")
hello=$work/hello/hello
rows=("hello=$hello"
	"credential-process=$bin --config $work/atmos.yaml credential-process --identity d5"
	"env=$bin env -i d5"
	"exec=$bin exec -i d5 -- $hello"
	"prompt=$bin prompt"
	"__hook=$bin __hook bash")
if [ -n "${PROFILE:-}" ]; then
	command -v perf >/dev/null || { echo "PROFILE needs perf (apt-get install linux-perf)" >&2; exit 1; }
	cmd=
	for r in "${rows[@]}"; do [ "${r%%=*}" = "$PROFILE" ] && cmd=${r#*=}; done
	[ -n "$cmd" ] || { echo "PROFILE: no row $PROFILE" >&2; exit 2; }
	export ATMOS_IDENTITY=d5
	# shellcheck disable=SC2086 # cmd is the row's words
	perf stat -r "${RUNS:-300}" $cmd 2>&1 >/dev/null | grep -E 'task-clock|page-faults|elapsed'
	# shellcheck disable=SC2086
	perf record -q -o "$work/perf.data" -F 20000 -g -- sh -c "for i in \$(seq ${RUNS:-300}); do $cmd >/dev/null; done" 2>/dev/null
	perf script -i "$work/perf.data" --comm "$(basename "${cmd%% *}")" -F ip,sym 2>/dev/null | awk '
		NF == 0 { if (n) { total++; for (f in seen) inc[f]++ } delete seen; n = 0; next }
		{ $1 = ""; sub(/^ /, ""); seen[$0] = 1; n++ }
		END { if (n) { total++; for (f in seen) inc[f]++ }
			for (f in inc) if (inc[f] / total >= 0.01) printf "%5.1f%%  %s\n", 100 * inc[f] / total, f }' | sort -rn | head -"${TOP:-60}"
	exit 0
fi
ATMOS_IDENTITY=d5 "$work/benchhot" -runs "${RUNS:-300}" -warmup 20 \
	"${rows[@]}" "${old[@]}" | tee "$work/out"
awk '$1 == "hello" { h = $2; hc = $9 } $1 ~ /exec$/ { printf "%s overhead (minus hello): wall %.3f ms = %.2f × hello, cpu %.3f ms = %.2f × hello\n", $1, $2 - h, ($2 - h) / h, $9 - hc, ($9 - hc) / hc }' "$work/out"
after=$(curl -fsS "$LOCALCLOUD_URL/_admin/stats")
[ "$before" = "$after" ] && echo "local cloud calls during the runs: none" || echo "WARNING: the timed commands called the local cloud: $before -> $after"
echo "the managed profile d5 runs: $(awk '/^\[profile d5\]/ { f = 1 } f && /^credential_process/ { sub(/^credential_process = /, ""); print; exit }' "$XDG_CONFIG_HOME"/atmos/aws/*/config)"
echo "binary: $(file -b "$bin" | cut -d, -f1-2,4) $(du -h "$bin" | cut -f1)"
