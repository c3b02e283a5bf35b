#!/usr/bin/env bash
# Per-prompt cost of the installed atmos-auth hook in real bash and zsh,
# side by side with Debian's direnv hook in the same run:
#   (a) nothing changed (prompt in the same directory),
#   (b) cd within the same identity tree,
#   (c) cd to another identity.
# Each case calls the shell's prompt function N times in a loop inside the
# shell and divides; for (b) and (c) the cost of the bare `cd` loop is
# subtracted. Usage: scripts/bench-hook.sh [N]   (default 2000; (c) uses N/20)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v direnv >/dev/null || { echo "direnv is needed: apt-get install direnv" >&2; exit 1; }
N=${1:-2000}
NC=$((N / 20))
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
go build -trimpath -o "$tmp/atmos-auth" .
bin=$tmp/atmos-auth
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_DATA_HOME=$tmp/home/.local/share \
  XDG_CACHE_HOME=$tmp/home/.cache DBUS_SESSION_BUS_ADDRESS=disabled: ATMOS_CLI_CONFIG_PATH=$tmp/atmos.yaml
mkdir -p "$HOME" "$tmp/w/a/x/y/z" "$tmp/w/b/x"
cat > "$tmp/atmos.yaml" <<'YAML'
auth:
  providers:
    gcp-adc: {kind: gcp/adc, project_id: p}
  identities:
    base: {kind: aws/ambient}
    a:
      kind: aws/assume-role
      via: {identity: base}
      principal: {assume_role: "arn:aws:iam::999999999999:role/A", region: eu-west-1}
    b:
      kind: gcp/project
      via: {provider: gcp-adc}
      principal: {project_id: production-project}
YAML
printf 'identity: a\n' > "$tmp/w/a/.atmos-identity"
printf 'identity: b\n' > "$tmp/w/b/.atmos-identity"
printf 'export AWS_PROFILE=a AWS_REGION=eu-west-1 ATMOS_IDENTITY=a\n' > "$tmp/w/a/.envrc"
printf 'export GOOGLE_CLOUD_PROJECT=production-project ATMOS_IDENTITY=b\n' > "$tmp/w/b/.envrc"
"$bin" allow "$tmp/w/a" 2>/dev/null; "$bin" allow "$tmp/w/b" 2>/dev/null
direnv allow "$tmp/w/a" 2>/dev/null; direnv allow "$tmp/w/b" 2>/dev/null
export DIRENV_LOG_FORMAT=

# bench SHELL TOOL -> prints "a b c" in microseconds per prompt
bench() {
  local sh=$1 tool=$2 hook fn
  if [ "$tool" = atmos-auth ]; then hook=$("$bin" hook "$sh"); fn=_atmos_auth_hook
  else hook=$(direnv hook "$sh"); fn=_direnv_hook; fi
  cat > "$tmp/b.$sh" <<SCRIPT
${hook}
# direnv's zsh hook also runs on chpwd: keep the prompt hook only, so the
# bare cd loop subtracted below costs the same for both tools.
[ -n "\${ZSH_VERSION-}" ] && { zmodload zsh/datetime; chpwd_functions=(); }
now() { t=\${EPOCHREALTIME/./}; t=\${t:0:16}; }  # microseconds (zsh has 9 decimals)
w=$tmp/w
cd \$w/a/x/y/z; $fn; $fn
now; t0=\$t; for ((i = 0; i < $N; i++)); do $fn; done; now; a=\$((t - t0))
now; t0=\$t; for ((i = 0; i < $N; i++)); do cd \$w/a/x/y; cd \$w/a/x/y/z; done; now; cdb=\$((t - t0))
now; t0=\$t; for ((i = 0; i < $N; i++)); do cd \$w/a/x/y; $fn; cd \$w/a/x/y/z; $fn; done; now; b=\$((t - t0 - cdb))
now; t0=\$t; for ((i = 0; i < $NC; i++)); do cd \$w/a/x; cd \$w/b/x; done; now; cdc=\$((t - t0))
now; t0=\$t; for ((i = 0; i < $NC; i++)); do cd \$w/a/x; $fn; cd \$w/b/x; $fn; done; now; c=\$((t - t0 - cdc))
[ "\$ATMOS_IDENTITY" = b ] || echo "hook did not apply: ATMOS_IDENTITY=\$ATMOS_IDENTITY" >&2
echo "\$a \$b \$c"
SCRIPT
  local out
  if [ "$sh" = zsh ]; then out=$(zsh -f "$tmp/b.$sh" 2>/dev/null); else out=$(bash --norc --noprofile "$tmp/b.$sh" 2>/dev/null); fi
  read -r a b c <<<"$out"
  # a: N prompts; b: 2N prompts; c: 2*NC prompts (all in microseconds)
  awk -v a="$a" -v b="$b" -v c="$c" -v n="$N" -v nc="$NC" -v sh="$sh" -v tool="$tool" \
    'BEGIN { printf "%-5s %-11s %14.4f %14.4f %14.3f\n", sh, tool, a/n/1000, b/(2*n)/1000, c/(2*nc)/1000 }'
}
echo "per-prompt cost in ms (N=$N, (c) N=$NC; bash $(bash -c 'echo $BASH_VERSION'), $(zsh --version | cut -d' ' -f1-2), $(direnv version | sed 's/^/direnv /'))"
printf '%-5s %-11s %14s %14s %14s\n' shell hook "(a) no change" "(b) cd same" "(c) cd other"
for sh in bash zsh; do
  bench "$sh" atmos-auth
  bench "$sh" direnv
done
