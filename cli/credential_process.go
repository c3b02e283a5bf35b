package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
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
		if err := guardReentry(s, name); err != nil {
			return err
		}
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

// envServing lists (hashed) the identities credential-process processes up
// the process tree are renewing. A chain step that asks the AWS SDK's
// default chain (aws/ambient) inside an identity's own environment finds
// AWS_PROFILE pointing at that identity's managed profile, whose
// credential_process runs us again: without this guard the processes
// nest until every bound expires.
const envServing = "_ATMOS_AUTH_SERVING"

// guardReentry refuses to renew an identity this process tree is already
// renewing, and marks it for the processes the renewal starts.
func guardReentry(s *Session, name string) error {
	h := sha256.Sum256([]byte(auth.ProjectKey(s.Config) + "\x00" + name))
	mark := hex.EncodeToString(h[:8])
	have := s.g.Getenv(envServing)
	if slices.Contains(strings.Split(have, ","), mark) {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("identity %s: renewing it asked the AWS SDK for credentials, and the SDK ran this identity's own credential_process again (its managed profile is AWS_PROFILE here): an aws/ambient step finds no ambient credentials inside the identity's own environment; log in from a shell that has them (`atmos-auth login -i %s`)", name, name)}
	}
	if have != "" {
		mark = have + "," + mark
	}
	return os.Setenv(envServing, mark)
}
