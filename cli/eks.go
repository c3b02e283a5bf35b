package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// EksCmd groups the Kubernetes cluster commands: the exec plugin kubectl
// runs (token) and writing the kubeconfig entries (update-kubeconfig).
type EksCmd struct {
	Token            EksTokenCmd            `cmd:"" help:"Print a cluster token as a client.authentication.k8s.io/v1beta1 ExecCredential (kubeconfig exec plugin)."`
	UpdateKubeconfig EksUpdateKubeconfigCmd `cmd:"" name:"update-kubeconfig" help:"Write the kubeconfig entries of aws/eks integrations (those of -i, else all)."`
}

// EksTokenCmd is the exec plugin of the kubeconfig entries aws/eks
// integrations write. It serves the identity's cached credentials (renewing
// them like credential-process) and only for a cluster an integration of
// the identity names.
type EksTokenCmd struct {
	Cluster string `name:"cluster" required:"" placeholder:"NAME" help:"Cluster name."`
	Region  string `name:"region" required:"" placeholder:"REGION" help:"Cluster region."`
}

// execCredential is client.authentication.k8s.io/v1beta1 ExecCredential.
type execCredential struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Spec       struct {
	} `json:"spec"`
	Status struct {
		ExpirationTimestamp string `json:"expirationTimestamp"`
		Token               string `json:"token"`
	} `json:"status"`
}

func (c *EksTokenCmd) Run(g *Globals) error {
	s, err := g.session(authOpts{credentialProcess: true})
	if err != nil {
		return err
	}
	chain, err := s.Identity()
	if err != nil {
		return err
	}
	name := chain[0].Name
	var integ *config.Entry
	var cc auth.ClusterCredential
	for _, e := range auth.IntegrationsOf(s.Config, name) {
		if k, ok := e.Spec.(auth.ClusterCredential); ok && k.ClusterName() == c.Cluster && k.ClusterRegion() == c.Region {
			integ, cc = e, k
			break
		}
	}
	if cc == nil {
		return Configf("identity %q has no cluster integration for %q in %q: tokens are issued only for clusters the configuration names", name, c.Cluster, c.Region)
	}
	g.Identity = name
	creds, valid, err := s.Auth.Cached(name)
	if err != nil || !valid {
		if err := guardReentry(s, name); err != nil {
			return err
		}
		ctx := auth.WithLockWait(g.Context(), auth.LockWait(g.Getenv, CredentialProcessLockWait))
		res, lerr := s.Auth.Login(ctx, name)
		if lerr != nil {
			if errors.Is(lerr, auth.ErrDeviceFlowNeeded) {
				return &ExitError{Code: ExitFailure, Err: fmt.Errorf("credentials of %s need a new sign-in: run `atmos-auth login -i %s`", name, name)}
			}
			return authErr(lerr)
		}
		creds = res.Credentials
	}
	ic, err := s.Auth.NewIntegrationContext(integ, creds, "")
	if err != nil {
		return ConfigErr(err)
	}
	tok, exp, err := cc.ClusterToken(g.Context(), ic)
	if err != nil {
		return authErr(err)
	}
	if !creds.Expiration.IsZero() && creds.Expiration.Before(exp) {
		exp = creds.Expiration // the token dies with the credentials that signed it
	}
	var out execCredential
	out.Kind, out.APIVersion = "ExecCredential", "client.authentication.k8s.io/v1beta1"
	out.Status.Token, out.Status.ExpirationTimestamp = tok, exp.UTC().Format(time.RFC3339)
	return json.NewEncoder(g.Stdout).Encode(out)
}

// EksUpdateKubeconfigCmd runs aws/eks integrations (whether or not their
// entry is current).
type EksUpdateKubeconfigCmd struct {
	Integrations []string `arg:"" optional:"" name:"integration" help:"Integrations to run (default: those of -i, else all)."`
}

func (c *EksUpdateKubeconfigCmd) Run(g *Globals) error {
	s, err := g.session(authOpts{})
	if err != nil {
		return err
	}
	return s.runIntegrations(c.Integrations, func(e *config.Entry) bool {
		_, ok := e.Spec.(auth.ClusterCredential)
		return ok
	}, "cluster integration")
}
