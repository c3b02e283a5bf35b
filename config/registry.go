package config

import (
	"maps"
	"slices"
)

// Credential types every cloud shares. Each cloud package defines its own
// (aws: "aws", "aws/sso-token", "saml"; gcp: "gcp"; azure: "azure") and
// describes them in its Cloud.
const (
	CredOIDC    = "oidc"    // an OIDC id token (web identity)
	CredAmbient = "ambient" // the environment, untouched
	CredNone    = ""        // integrations produce nothing chainable
)

// KindInfo describes one provider, identity or integration kind: what it
// is. What it can do is the capabilities its spec implements (Validator,
// BaseChecker, Describer here; auth.StepKind, auth.EnvProducer and the
// others in package auth).
type KindInfo struct {
	Name     string
	Role     Role
	Cloud    string // aws, gcp, azure, github, "" (ambient)
	Produces string
	// Accepts lists the credential types an identity can be chained from.
	// Standalone identities (aws/user, aws/ambient, ambient) accept none and
	// must have no via.
	Accepts    []string
	Standalone bool
	// New returns a pointer to a zero spec, decoded strictly from YAML.
	New func() any
}

// Cloud is one cloud package as the core sees it: its kinds (one line per
// kind) and the credential types it defines, with a phrase for messages.
type Cloud struct {
	Name  string
	Kinds []*KindInfo
	Creds map[string]string
}

// Registry is the set of kinds a configuration is decoded and validated
// with. It is built once from the list of clouds (package cloud) and
// handed to Load: the core never names a kind.
type Registry struct {
	kinds map[string]*KindInfo
	creds map[string]string
}

// NewRegistry indexes the kinds of clouds. A kind name registered twice is
// a programming error.
func NewRegistry(clouds ...Cloud) *Registry {
	r := &Registry{kinds: map[string]*KindInfo{}, creds: map[string]string{
		CredOIDC:    "an OIDC token",
		CredAmbient: "the ambient environment",
	}}
	for _, c := range clouds {
		for _, k := range c.Kinds {
			if _, dup := r.kinds[k.Name]; dup {
				panic("kind " + k.Name + " registered twice")
			}
			r.kinds[k.Name] = k
		}
		for t, d := range c.Creds {
			r.creds[t] = d
		}
	}
	return r
}

// Kind returns the registered kind with that name.
func (r *Registry) Kind(name string) (*KindInfo, bool) {
	if r == nil {
		return nil, false
	}
	k, ok := r.kinds[name]
	return k, ok
}

// KindNames returns the sorted names of every kind of the given role.
func (r *Registry) KindNames(role Role) []string {
	var out []string
	for _, k := range r.Kinds() {
		if k.Role == role {
			out = append(out, k.Name)
		}
	}
	return out
}

// Kinds returns every registered kind, sorted by name.
func (r *Registry) Kinds() []*KindInfo {
	if r == nil {
		return nil
	}
	out := make([]*KindInfo, 0, len(r.kinds))
	for _, n := range slices.Sorted(maps.Keys(r.kinds)) {
		out = append(out, r.kinds[n])
	}
	return out
}

// Clouds returns the names of the clouds that registered kinds, sorted
// (the ambient kind's "" excluded).
func (r *Registry) Clouds() []string {
	seen := map[string]bool{}
	for _, k := range r.Kinds() {
		if k.Cloud != "" {
			seen[k.Cloud] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// DescribeCred is the phrase for a credential type in messages.
func (r *Registry) DescribeCred(t string) string {
	if d, ok := r.creds[t]; ok && r != nil {
		return d
	}
	return "nothing chainable"
}

// Base is what every entry has.
type Base struct {
	Kind string `yaml:"kind"`
}

func (b *Base) base() *Base { return b }

// IdentityBase is what every identity has. Via is kept on standalone kinds
// too, so its presence is reported as a chain error rather than as an
// unknown field.
type IdentityBase struct {
	Base    `yaml:",inline"`
	Default bool `yaml:"default"`
	Via     *Via `yaml:"via"`
	// Atmos's fields every identity has (see common_fields.go): they pick
	// and decorate the identity and never change the credentials it gets.
	Alias    string   `yaml:"alias"`
	Tags     []string `yaml:"tags"`
	Env      []EnvVar `yaml:"env"`
	Required bool     `yaml:"required"`
}

func (b *IdentityBase) identityBase() *IdentityBase { return b }

// IntegrationBase is what every integration has.
type IntegrationBase struct {
	Base `yaml:",inline"`
	Via  *Via `yaml:"via"`
}

func (b *IntegrationBase) integrationBase() *IntegrationBase { return b }

type hasIntegrationBase interface{ integrationBase() *IntegrationBase }

// ProviderBase is what every provider has.
type ProviderBase struct {
	Base `yaml:",inline"`
	// Default: `login` with no identity and no default identity signs in
	// to this provider (Atmos's provider default).
	Default bool     `yaml:"default"`
	Tags    []string `yaml:"tags"`
}

func (b *ProviderBase) providerBase() *ProviderBase { return b }

type hasProviderBase interface{ providerBase() *ProviderBase }

type hasIdentityBase interface{ identityBase() *IdentityBase }
type hasBase interface{ base() *Base }

// Validator is implemented by specs that check their own fields.
type Validator interface {
	Validate(v *Checker)
}
