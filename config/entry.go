package config

import "gopkg.in/yaml.v3"

// Role is what an entry of the auth: section is.
type Role int

const (
	RoleProvider Role = iota
	RoleIdentity
	RoleIntegration
)

func (r Role) String() string {
	switch r {
	case RoleProvider:
		return "provider"
	case RoleIdentity:
		return "identity"
	default:
		return "integration"
	}
}

// Plural is the role's plural noun, the name of its section in auth:.
func (r Role) Plural() string {
	switch r {
	case RoleProvider:
		return "providers"
	case RoleIdentity:
		return "identities"
	default:
		return "integrations"
	}
}

// Via is the chain link of an identity or integration.
type Via struct {
	Provider string `yaml:"provider"`
	Identity string `yaml:"identity"`
}

// Entry is one provider, identity or integration of the configuration.
type Entry struct {
	Name    string
	Role    Role
	Kind    string
	Default bool
	Via     Via
	// Alias is another name the identity answers to (-i, selector).
	Alias string
	// Tags label providers and identities for --tags.
	Tags []string
	// Required identities are authenticated with the one that runs.
	Required bool
	// Env is the identity's own variables, applied after its kind's.
	Env []EnvVar
	// Spec is the kind's typed spec (nil when the kind is unknown).
	Spec any
	// Pos is where the entry's name appears.
	Pos  Pos
	node *yaml.Node
}

// Pos is a position in a configuration file.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.File == "" {
		return ""
	}
	if p.Line == 0 {
		return p.File
	}
	if p.Col == 0 {
		return p.File + ":" + itoa(p.Line)
	}
	return p.File + ":" + itoa(p.Line) + ":" + itoa(p.Col)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
