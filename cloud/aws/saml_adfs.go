package aws

import (
	"context"
	"errors"

	"github.com/atmos-auth/atmos-auth/auth"
)

func samlADFS(ctx context.Context, st *auth.Step, p *AWSSAMLProvider) (string, error) {
	return "", errors.New("todo")
}
