package cli

import (
	"fmt"
	"github.com/atmos-auth/atmos-auth/auth"
	"os"
	"path/filepath"

	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// ServeCmd serves an identity's credentials to programs on this host that
// atmos-auth does not start: containers with the host's network (`docker
// run --network host --env-file F`), long jobs started elsewhere. It serves
// until interrupted.
type ServeCmd struct {
	ECS     bool   `name:"ecs" required:"" help:"Serve the ECS container-credentials protocol (the only one today)."`
	EnvFile string `name:"env-file" type:"path" placeholder:"FILE" help:"Write AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN to FILE (0600; for docker run --env-file); removed on exit."`
}

func (c *ServeCmd) Run(g *Globals) error {
	s, err := g.session(authOpts{})
	if err != nil {
		return err
	}
	chain, err := s.Identity()
	if err != nil {
		return err
	}
	name := chain[0].Name
	if err := s.EnsureLogin(name); err != nil {
		return err
	}
	cs, err := g.credServerFor(s, chain[0])
	if err != nil {
		return err
	}
	defer cs.stop()
	if c.EnvFile != "" {
		if err := os.MkdirAll(filepath.Dir(c.EnvFile), 0o700); err != nil {
			return err
		}
		body := "AWS_CONTAINER_CREDENTIALS_FULL_URI=" + cs.url + "\nAWS_CONTAINER_AUTHORIZATION_TOKEN=" + cs.token + "\n"
		if r := auth.ChainRegion(chain); r != "" {
			body += "AWS_REGION=" + r + "\nAWS_DEFAULT_REGION=" + r + "\n"
		}
		if err := fsutil.WriteFileAtomic(c.EnvFile, []byte(body)); err != nil {
			return err
		}
		defer os.Remove(c.EnvFile)
	}
	fmt.Fprintf(g.Stdout, "AWS_CONTAINER_CREDENTIALS_FULL_URI=%s\nAWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=%s\n", cs.url, cs.tokenFile())
	fmt.Fprintf(g.Stderr, "atmos-auth: serving %s on %s until interrupted (containers: docker run --network host --env-file FILE …)\n", name, cs.url)
	<-g.Context().Done()
	return nil
}
