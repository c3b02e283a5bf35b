package config

// Kinds Atmos has that atmos-auth does not: each is a located error that
// says where the kind belongs and what to use here, instead of "unknown
// kind". A kind a cloud package registers is never looked up here.

type atmosKind struct {
	what string // what it is in Atmos: "<kind> <what>"
	use  string // the hint: what to do instead
}

var atmosOnlyKinds = map[string]atmosKind{
	"aws/emulator": {
		"is an Atmos stack kind: Atmos takes its credentials from the emulator component named by emulator:, running in the stack the command runs in",
		"define it in the Atmos stack manifest's auth: section where Atmos resolves it; for atmos-auth, use an ambient or aws/ambient identity with the emulator's endpoint and test keys in the environment"},
	"gcp/emulator": {
		"is an Atmos stack kind: Atmos takes its connection profile from the emulator component named by emulator:, running in the stack the command runs in",
		"define it in the Atmos stack manifest's auth: section where Atmos resolves it; for atmos-auth, use an ambient identity with the emulator's host variables in the environment"},
	"azure/emulator": {
		"is an Atmos stack kind: Atmos takes its connection profile from the emulator component named by emulator:, running in the stack the command runs in",
		"define it in the Atmos stack manifest's auth: section where Atmos resolves it; for atmos-auth, use an ambient identity with the emulator's connection variables in the environment"},
	"kubernetes/emulator": {
		"is an Atmos stack kind: Atmos takes its kubeconfig from the emulator component named by emulator:, running in the stack the command runs in",
		"define it in the Atmos stack manifest's auth: section where Atmos resolves it; for atmos-auth, use an ambient identity with KUBECONFIG set"},
	"mock": {
		"is Atmos's test kind: it hands out fake credentials",
		"remove it; to try atmos-auth without a cloud, run `make demo`, which serves the real kinds from the local cloud"},
	"mock/aws": {
		"is Atmos's test kind: it hands out fake AWS credentials",
		"remove it; to try atmos-auth without a cloud, run `make demo`, which serves the real kinds from the local cloud"},
	"atmos/pro": {
		"signs in to Atmos Pro (the broker behind github/sts), a service atmos-auth does not talk to",
		"move it to an Atmos profile you select only with atmos (--profile); for GitHub Actions OIDC tokens use a github/oidc provider"},
	"github/sts": {
		"mints GitHub tokens through Atmos Pro, a service atmos-auth does not talk to",
		"move it to an Atmos profile you select only with atmos (--profile): atmos auth login mints the tokens"},
	"azure/interactive": {
		"opens a browser for an Azure sign-in, which atmos-auth does not offer",
		"use azure/device-code, or azure/cli after `az login`"},
	"aws/eks": {
		"writes a kubeconfig for an EKS cluster, which atmos-auth does not do yet",
		"run `atmos-auth exec -i IDENTITY -- aws eks update-kubeconfig --name CLUSTER`"},
	"gcp/gke": {
		"writes a kubeconfig for a GKE cluster, which atmos-auth does not do yet",
		"run `atmos-auth exec -i IDENTITY -- gcloud container clusters get-credentials CLUSTER`"},
	"azure/acr": {
		"logs in to an Azure container registry, which atmos-auth does not do yet",
		"run `atmos-auth exec -i IDENTITY -- az acr login --name REGISTRY`"},
	"azure/aks": {
		"writes a kubeconfig for an AKS cluster, which atmos-auth does not do yet",
		"run `atmos-auth exec -i IDENTITY -- az aks get-credentials --name CLUSTER --resource-group GROUP`"},
}

// atmosOnlyKind returns the message and hint for a kind Atmos has and
// this registry does not.
func atmosOnlyKind(kind string) (msg, hint string, ok bool) {
	k, ok := atmosOnlyKinds[kind]
	if !ok {
		return "", "", false
	}
	return kind + " " + k.what, k.use, true
}
