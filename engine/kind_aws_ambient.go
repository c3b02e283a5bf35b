package engine

var awsAmbientKind = &KindInfo{Name: "aws/ambient", Role: RoleIdentity, Cloud: "aws",
	Produces: CredAWS, Standalone: true, New: func() any { return &AWSAmbient{} }}

// AWSAmbient resolves credentials through the AWS SDK's default chain (env,
// shared files, web identity/IRSA, ECS, IMDS) and leaves the environment
// as it is, apart from an optional region.
type AWSAmbient struct {
	IdentityBase `yaml:",inline"`
	Principal    struct {
		Region string `yaml:"region"`
	} `yaml:"principal"`
}

func (s *AWSAmbient) validate(c *fieldChecker) { c.region("principal.region", s.Principal.Region) }
