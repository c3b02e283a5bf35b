package ambient

import (
	"context"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// ambient: nothing to authenticate, the environment passes through.
func (s *Ambient) NoCache() {}

// Passthrough: the environment is always "logged in".
func (s *Ambient) Passthrough() *auth.Credentials {
	return &auth.Credentials{Type: config.CredAmbient, Role: "ambient environment"}
}

func (s *Ambient) Authenticate(context.Context, *auth.Step, *auth.Credentials) (*auth.Credentials, error) {
	return s.Passthrough(), nil
}
