package engine

import (
	"context"
	"fmt"
)

func (p *AWSSAMLProvider) NoCache() {}

// authenticate: SAML arrives with a later issue.
func (p *AWSSAMLProvider) Authenticate(context.Context, *step, *Credentials) (*Credentials, error) {
	return nil, fmt.Errorf("aws/saml providers are not supported yet")
}
