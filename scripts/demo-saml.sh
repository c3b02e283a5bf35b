#!/usr/bin/env bash
# The SAML demo: builds atmos-auth and the local cloud, then signs in
# through the local cloud's Okta-style API (password, then a push), its
# ADFS-style forms sign-in, and — when Chromium, Chrome or Edge is
# installed — the Browser driver on its sign-in page, each followed by
# AssumeRoleWithSAML; a cached login for comparison; the aws CLI. No AWS
# account, no IdP account: everything talks to 127.0.0.1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
lc_pid=
cleanup() {
	[ -n "$lc_pid" ] && kill "$lc_pid" 2>/dev/null && wait "$lc_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'
[ -t 1 ] || { bold= dim= off=; }
say() { printf '\n%s# %s%s\n' "$bold" "$*" "$off"; }
run() { printf '%s$ %s%s\n' "$dim" "$*" "$off"; "$@"; }
timed() { local s; s=$(date +%s%N); run "$@"; echo "${dim}took $(( ($(date +%s%N) - s) / 1000000 )) ms${off}"; }

say "build"
(cd "$root" && go build -o "$work/bin/atmos-auth" . && go build -o "$work/bin/atmos-localcloud" ./cmd/atmos-localcloud)
export PATH="$work/bin:$PATH"

say "start the local cloud (its ADFS-style page signs alice in by itself in a browser)"
atmos-localcloud --saml-auto-sign-in --url-file "$work/url" 2>"$work/localcloud.log" &
lc_pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
LOCALCLOUD_URL=$(cat "$work/url")
echo "local cloud at $LOCALCLOUD_URL"

export LOCALCLOUD_URL DEMO_OKTA_URL="$LOCALCLOUD_URL/app/amazon_aws/exk1demo/sso/saml"
export DEMO_ADFS_URL="$LOCALCLOUD_URL/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices"
export DEMO_SAML_PASSWORD=correct-horse
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache" XDG_DATA_HOME="$work/home/.local/share"
export ATMOS_CLI_CONFIG_PATH="$root/testdata/demo-saml/atmos.yaml"
export ATMOS_KEYRING_PASSWORD=demo-password
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN

stats() { curl -fsS "$LOCALCLOUD_URL/_admin/stats" | { command -v jq >/dev/null && jq -c '.calls | with_entries(select(.key | test("Okta|ADFS|SAML")))' || cat; }; }

say "the SAML providers and roles"
run atmos-auth list

say "Okta: the authentication API with a password, the app's SAML form, AssumeRoleWithSAML"
timed atmos-auth login -i okta-admin
echo "${dim}local cloud calls: $(stats)${off}"

say "again: from the cache (no IdP, no STS)"
timed atmos-auth login -i okta-admin

say "Okta with a push factor (approved on the 'device' at the second poll)"
run atmos-auth login -i okta-push-admin

say "ADFS: the forms sign-in"
run atmos-auth login -i adfs-readonly

browser=
for b in google-chrome google-chrome-stable chromium chromium-browser microsoft-edge; do
	command -v "$b" >/dev/null && { browser=$b; break; }
done
if [ -n "$browser" ]; then
	say "Browser: $browser opens the sign-in page; the post to AWS is taken inside the browser"
	export ATMOS_AUTH_DEVICE_FLOW=non-interactive
	if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ]; then
		echo "${dim}(no display: headless, which only tests and this demo use)${off}"
		export ATMOS_AUTH_SAML_BROWSER_HEADLESS=1
	fi
	timed atmos-auth login -i browser-readonly
else
	say "Browser: skipped (no Chromium, Chrome or Edge installed)"
fi

if command -v aws >/dev/null; then
	say "the aws CLI with a SAML role"
	run atmos-auth exec -i adfs-readonly -- aws --endpoint-url "$LOCALCLOUD_URL" sts get-caller-identity --output table
fi
say "done"
