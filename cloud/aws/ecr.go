package aws

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
)

var awsECRIntegrationKind = &config.KindInfo{Name: "aws/ecr", Role: config.RoleIntegration, Cloud: "aws",
	Accepts: []string{CredAWS}, New: func() any { return &AWSECRIntegration{} }}

// AWSECRIntegration logs docker in to an ECR registry with an identity.
type AWSECRIntegration struct {
	config.IntegrationBase `yaml:",inline"`
	Spec                   struct {
		AutoProvision *bool `yaml:"auto_provision"`
		Registry      struct {
			AccountID string `yaml:"account_id"`
			Region    string `yaml:"region"`
		} `yaml:"registry"`
		EndpointURL string `yaml:"endpoint_url"`
		// DockerConfig: managed (default: a docker configuration per
		// identity and project, exported as DOCKER_CONFIG) or global
		// (~/.docker/config.json, updated under a lock).
		DockerConfig string `yaml:"docker_config"`
	} `yaml:"spec"`
}

// AutoProvision reports whether login runs this integration (default true).
func (s *AWSECRIntegration) AutoProvision() bool {
	return s.Spec.AutoProvision == nil || *s.Spec.AutoProvision
}

func (s *AWSECRIntegration) Validate(c *config.Checker) {
	r := s.Spec.Registry
	if c.Required("spec.registry.account_id", r.AccountID) {
		checkAccountID(c, "spec.registry.account_id", r.AccountID)
	}
	if c.Required("spec.registry.region", r.Region) {
		checkRegion(c, "spec.registry.region", r.Region)
	}
	c.EndpointURL("spec.endpoint_url", s.Spec.EndpointURL, AWSEndpoints)
	c.OneOf("spec.docker_config", s.Spec.DockerConfig, dockerConfigModes)
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *AWSECRIntegration) Describe() string {
	return ecrHost(s.Spec.Registry.AccountID, s.Spec.Registry.Region)
}

// ecrHost is a private registry's host in the region's partition.
func ecrHost(account, region string) string {
	return account + ".dkr.ecr." + region + "." + partitionOf(region).dnsSuffix
}

func (s *AWSECRIntegration) RetryCommand(name string) string { return ecrRetry(name) }

func (s *AWSECRIntegration) registry() registryLogin {
	return registryLogin{global: strings.EqualFold(s.Spec.DockerConfig, "global")}
}

func (s *AWSECRIntegration) Current(c *auth.IntegrationContext) bool {
	return s.registry().current(c)
}

func (s *AWSECRIntegration) IntegrationEnvironment(c *auth.EnvContext, self *config.Entry, env *environ.Environment) {
	s.registry().environment(c, env)
}

// Integrate gets an authorization token (GetAuthorizationToken, 12 hours)
// and stores it for docker.
func (s *AWSECRIntegration) Integrate(ctx context.Context, c *auth.IntegrationContext) (*auth.IntegrationResult, error) {
	creds, err := integrationAWSCreds(c)
	if err != nil {
		return nil, err
	}
	region := s.Spec.Registry.Region
	endpoint := s.Spec.EndpointURL
	if endpoint == "" {
		endpoint = awsEndpoint(c.Identity.Chain, "ECR", c.Auth.Env)
	}
	var out struct {
		AuthorizationData []struct {
			AuthorizationToken string    `json:"authorizationToken"`
			ExpiresAt          epochTime `json:"expiresAt"`
			ProxyEndpoint      string    `json:"proxyEndpoint"`
		} `json:"authorizationData"`
	}
	call := jsonCall{serviceID: "ECR", signing: "ecr", host: "api.ecr", op: "GetAuthorizationToken",
		target: "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken", method: http.MethodPost, path: "/"}
	if err := call.do(ctx, c.Auth, creds, region, endpoint, &out); err != nil {
		return nil, err
	}
	if len(out.AuthorizationData) == 0 {
		return nil, fmt.Errorf("GetAuthorizationToken returned no authorization data")
	}
	d := out.AuthorizationData[0]
	host := s.Describe()
	if endpoint != "" {
		// A private or local endpoint names its registry (the real one
		// is the account's host in the region above).
		if u, err := url.Parse(d.ProxyEndpoint); err == nil && u.Host != "" {
			host = u.Host
		}
	}
	return s.registry().store(ctx, c, host, d.AuthorizationToken, d.ExpiresAt.Time)
}

// RegistryHost makes it a registry integration (`ecr-login`).
func (s *AWSECRIntegration) RegistryHost() string { return s.Describe() }
