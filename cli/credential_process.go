package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// CredentialProcessCmd prints an identity's credentials as AWS
// credential_process JSON; the managed AWS profiles run it. It serves the
// cache (no keyring, no network) while it is valid for longer than the
// margin, and otherwise renews the invalid steps silently (refresh token,
// STS). If only a device sign-in can help it does not hang the calling
// tool: it starts one only when stderr is a terminal outside CI (the Go SDK
// shows our stderr; botocore captures it, so the aws CLI gets the message),
// else it exits 1 with "run `atmos-auth login -i X`".
type CredentialProcessCmd struct{}

// CredentialProcessLockWait bounds credential-process's wait for another
// atmos-auth's lock (auth.EnvLockTimeout overrides it).
const CredentialProcessLockWait = 30 * time.Second

func (c *CredentialProcessCmd) Run(g *Globals) error {
	s, err := g.session(authOpts{credentialProcess: true})
	if err != nil {
		return err
	}
	chain, err := s.Identity()
	if err != nil {
		return err
	}
	name := chain[0].Name
	cp, ok := chain[0].Spec.(auth.CredentialProcess)
	if !ok {
		return Configf("identity %q (%s) cannot serve a credential_process (it gives no AWS credentials a profile can use)", name, chain[0].Kind)
	}
	g.Identity = name
	a := s.Auth
	creds, valid, err := a.Cached(name)
	if err != nil || !valid {
		// SDKs run us and wait: a lock held by a login waiting for an
		// approval (or by a stopped process) fails after a short bound.
		ctx := auth.WithLockWait(g.Context(), auth.LockWait(g.Getenv, CredentialProcessLockWait))
		res, lerr := a.Login(ctx, name)
		if lerr != nil {
			if errors.Is(lerr, auth.ErrDeviceFlowNeeded) {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("credentials of %s need a new sign-in: run `atmos-auth login -i %s`", name, name)}
			}
			return authErr(lerr)
		}
		creds = res.Credentials
	}
	out, err := cp.CredentialProcessOutput(creds)
	if err != nil {
		return authErr(err)
	}
	_, err = g.Stdout.Write(out)
	return err
}
