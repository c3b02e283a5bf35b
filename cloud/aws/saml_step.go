package aws

import (
	"context"
	"fmt"

	"github.com/atmos-auth/atmos-auth/auth"
)

func (p *AWSSAMLProvider) NoCache() {}

// authenticate: SAML arrives with a later issue.
func (p *AWSSAMLProvider) Authenticate(context.Context, *auth.Step, *auth.Credentials) (*auth.Credentials, error) {
	return nil, fmt.Errorf("aws/saml providers are not supported yet")
}
