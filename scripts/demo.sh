#!/usr/bin/env bash
# The README demo: builds atmos-auth and the local cloud, then shows a
# device-flow login through a 3-step chain, whoami, whoami --verify, cached
# reuse (no new device authorization) and the aws CLI going through the
# managed profile's credential_process. No AWS account: everything talks to
# the local cloud on 127.0.0.1. Everything lives in a temp dir, removed at
# the end.
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

say "build"
(cd "$root" && go build -o "$work/bin/atmos-auth" . && go build -o "$work/bin/atmos-localcloud" ./cmd/atmos-localcloud)
export PATH="$work/bin:$PATH"

say "start the local cloud (approves device sign-ins after 2s)"
atmos-localcloud --auto-approve --auto-approve-delay 2s --url-file "$work/url" --azure-url-file "$work/azure-url" 2>"$work/localcloud.log" &
lc_pid=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.05; done
LOCALCLOUD_URL=$(cat "$work/url")
echo "local cloud at $LOCALCLOUD_URL"

export LOCALCLOUD_URL
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache" XDG_DATA_HOME="$work/home/.local/share"
export ATMOS_CLI_CONFIG_PATH="$root/testdata/demo/atmos.yaml"
export ATMOS_KEYRING_PASSWORD=demo-password
# No terminal needed for the device flow and no browser: the code is
# printed and the local cloud approves it.
export ATMOS_AUTH_DEVICE_FLOW=non-interactive ATMOS_AUTH_NO_BROWSER=1
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN

stats() { curl -fsS "$LOCALCLOUD_URL/_admin/stats" | { command -v jq >/dev/null && jq -c .calls || cat; }; }

say "the chain"
run atmos-auth list

say "login: device authorization, then GetRoleCredentials and two AssumeRole calls"
run atmos-auth login -i prod-readonly
echo "${dim}local cloud calls: $(stats)${off}"

say "whoami answers from the cache (no network)"
run atmos-auth whoami

say "whoami --verify asks STS who we are"
run atmos-auth whoami --verify

say "second login: instant, from the cache (no new device authorization)"
start=$(date +%s%N)
run atmos-auth login -i prod-readonly
echo "${dim}took $(( ($(date +%s%N) - start) / 1000000 )) ms; local cloud calls: $(stats)${off}"

say "run a command with the identity: exec sets the environment (no keys in it)"
run atmos-auth exec -i prod-readonly -- sh -c 'env | grep -E "^(ATMOS_IDENTITY|AWS_PROFILE|AWS_REGION|AWS_CREDENTIAL_EXPIRATION)=" | sort'

if command -v aws >/dev/null; then
	say "any AWS tool gets its credentials through the managed profile's credential_process"
	run atmos-auth exec -i prod-readonly -- sh -c 'grep credential_process "$AWS_CONFIG_FILE"' 
	run atmos-auth exec -i prod-readonly -- aws --endpoint-url "$LOCALCLOUD_URL" sts get-caller-identity --output table
fi

say "Azure: a device code sign-in; az and Terraform read the identity's own AZURE_CONFIG_DIR (~/.azure untouched)"
for _ in $(seq 100); do [ -s "$work/azure-url" ] && break; sleep 0.05; done
LOCALAZURE_URL=$(cat "$work/azure-url") LOCALAZURE_AUTHORITY="$(cat "$work/azure-url")/adfs"
export LOCALAZURE_URL LOCALAZURE_AUTHORITY SSL_CERT_FILE="$work/azure-url.pem" REQUESTS_CA_BUNDLE="$work/azure-url.pem"
azcfg="$root/testdata/demo/azure.yaml"
run atmos-auth --config "$azcfg" login -i dev
run atmos-auth --config "$azcfg" whoami -i dev --verify
run atmos-auth --config "$azcfg" exec -i dev -- sh -c 'env | grep -E "^(AZURE_CONFIG_DIR|AZURE_SUBSCRIPTION_ID|ARM_TENANT_ID|ARM_USE_CLI)=" | sort'
if command -v az >/dev/null; then
	run atmos-auth --config "$azcfg" exec -i dev -- az account show --query '{subscription:id, tenant:tenantId, user:user.name}' --output table
fi
run atmos-auth --config "$azcfg" logout --provider entra

say "GCP: a GitHub Actions job's OIDC token -> Google STS -> a service account -> a project"
export ACTIONS_ID_TOKEN_REQUEST_URL="$LOCALCLOUD_URL/actions/idtoken" ACTIONS_ID_TOKEN_REQUEST_TOKEN=localcloud-actions-request-token
export CLOUDSDK_API_ENDPOINT_OVERRIDES_STS="$LOCALCLOUD_URL/gcp/sts/" CLOUDSDK_API_ENDPOINT_OVERRIDES_IAMCREDENTIALS="$LOCALCLOUD_URL/gcp/iamcredentials/" CLOUDSDK_AUTH_TOKEN_HOST="$LOCALCLOUD_URL/gcp/oauth2/token"
run atmos-auth login -i gcp-prod
run atmos-auth whoami -i gcp-prod --verify
if command -v gcloud >/dev/null; then
	say "gcloud reads the identity's own configuration directory (never ~/.config/gcloud) and its token file"
	run atmos-auth exec -i gcp-prod -- gcloud config list
	run atmos-auth exec -i gcp-prod -- sh -c 'gcloud auth print-access-token >/dev/null && echo "gcloud has the token the local cloud issued to $(gcloud config get account 2>/dev/null)"'
fi

say "logout: SSO Logout, token cache, keyring entry, cached credentials"
run atmos-auth logout --all
say "done"
