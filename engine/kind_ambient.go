package engine

var ambientKind = &KindInfo{Name: "ambient", Role: RoleIdentity, Cloud: "",
	Produces: CredAmbient, Standalone: true, New: func() any { return &Ambient{} }}

// Ambient passes the environment through untouched.
type Ambient struct {
	IdentityBase `yaml:",inline"`
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *Ambient) Describe() string {
	return "environment passed through"
}
