package aws

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
)

var awsECRPublicIntegrationKind = &config.KindInfo{Name: "aws/ecr-public", Role: config.RoleIntegration, Cloud: "aws",
	Accepts: []string{CredAWS}, New: func() any { return &AWSECRPublicIntegration{} }}

// ecrPublicHost is the ECR Public registry; its tokens come from us-east-1.
const (
	ecrPublicHost   = "public.ecr.aws"
	ecrPublicRegion = "us-east-1"
)

// AWSECRPublicIntegration logs docker in to ECR Public (public.ecr.aws):
// authenticated pulls get higher rate limits, pushes need it.
type AWSECRPublicIntegration struct {
	config.IntegrationBase `yaml:",inline"`
	Spec                   struct {
		AutoProvision *bool  `yaml:"auto_provision"`
		EndpointURL   string `yaml:"endpoint_url"`
		DockerConfig  string `yaml:"docker_config"`
	} `yaml:"spec"`
}

func (s *AWSECRPublicIntegration) AutoProvision() bool {
	return s.Spec.AutoProvision == nil || *s.Spec.AutoProvision
}

func (s *AWSECRPublicIntegration) Validate(c *config.Checker) {
	c.EndpointURL("spec.endpoint_url", s.Spec.EndpointURL, AWSEndpoints)
	c.OneOf("spec.docker_config", s.Spec.DockerConfig, dockerConfigModes)
}

func (s *AWSECRPublicIntegration) Describe() string { return ecrPublicHost }

func (s *AWSECRPublicIntegration) RetryCommand(name string) string { return ecrRetry(name) }

func (s *AWSECRPublicIntegration) registry() registryLogin {
	return registryLogin{global: strings.EqualFold(s.Spec.DockerConfig, "global")}
}

func (s *AWSECRPublicIntegration) Current(c *auth.IntegrationContext) bool {
	return s.registry().current(c)
}

func (s *AWSECRPublicIntegration) IntegrationEnvironment(c *auth.EnvContext, self *config.Entry, env *environ.Environment) {
	s.registry().environment(c, env)
}

// Integrate gets an ECR Public authorization token (always from us-east-1)
// and stores it for public.ecr.aws.
func (s *AWSECRPublicIntegration) Integrate(ctx context.Context, c *auth.IntegrationContext) (*auth.IntegrationResult, error) {
	creds, err := integrationAWSCreds(c)
	if err != nil {
		return nil, err
	}
	endpoint := s.Spec.EndpointURL
	if endpoint == "" {
		endpoint = awsEndpoint(c.Identity.Chain, "ECR_PUBLIC", c.Auth.Env)
	}
	var out struct {
		AuthorizationData *struct {
			AuthorizationToken string    `json:"authorizationToken"`
			ExpiresAt          epochTime `json:"expiresAt"`
		} `json:"authorizationData"`
	}
	call := jsonCall{serviceID: "ECR PUBLIC", signing: "ecr-public", host: "api.ecr-public", op: "GetAuthorizationToken",
		target: "SpencerFrontendService.GetAuthorizationToken", method: http.MethodPost, path: "/"}
	if err := call.do(ctx, c.Auth, creds, ecrPublicRegion, endpoint, &out); err != nil {
		return nil, err
	}
	if out.AuthorizationData == nil {
		return nil, fmt.Errorf("GetAuthorizationToken returned no authorization data")
	}
	d := out.AuthorizationData
	return s.registry().store(ctx, c, ecrPublicHost, d.AuthorizationToken, d.ExpiresAt.Time)
}

// RegistryHost makes it a registry integration (`ecr-login`).
func (s *AWSECRPublicIntegration) RegistryHost() string { return ecrPublicHost }
