package engine

var ambientKind = &KindInfo{Name: "ambient", Role: RoleIdentity, Cloud: "",
	Produces: CredAmbient, Standalone: true, New: func() any { return &Ambient{} }}

// Ambient passes the environment through untouched.
type Ambient struct {
	IdentityBase `yaml:",inline"`
}
