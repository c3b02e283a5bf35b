package engine

var awsPermissionSetKind = &KindInfo{Name: "aws/permission-set", Role: RoleIdentity, Cloud: "aws",
	Produces: CredAWS, Accepts: []string{CredAWSSSOToken}, New: func() any { return &AWSPermissionSet{} }}

// AWSPermissionSet is an IAM Identity Center permission set on one account.
type AWSPermissionSet struct {
	IdentityBase `yaml:",inline"`
	Principal    struct {
		Name    string `yaml:"name"`
		Account struct {
			Name string `yaml:"name"`
			ID   string `yaml:"id"`
		} `yaml:"account"`
	} `yaml:"principal"`
	Spec AWSEndpointSpec `yaml:"spec"`
}

func (s *AWSPermissionSet) validate(c *fieldChecker) {
	c.required("principal.name", s.Principal.Name)
	a := s.Principal.Account
	switch {
	case a.Name == "" && a.ID == "":
		c.errf("principal.account", "set principal.account.name or principal.account.id",
			"missing required field principal.account.name or principal.account.id")
	case a.Name != "" && a.ID != "":
		c.errf("principal.account", "keep one of them", "principal.account.name and principal.account.id are both set")
	}
	c.accountID("principal.account.id", a.ID)
	s.Spec.check(c, "spec")
}
