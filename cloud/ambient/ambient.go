package ambient

import "github.com/atmos-auth/atmos-auth/config"

var ambientKind = &config.KindInfo{Name: "ambient", Role: config.RoleIdentity, Cloud: "",
	Produces: config.CredAmbient, Standalone: true, New: func() any { return &Ambient{} }}

// Ambient passes the environment through untouched.
type Ambient struct {
	config.IdentityBase `yaml:",inline"`
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *Ambient) Describe() string {
	return "environment passed through"
}
