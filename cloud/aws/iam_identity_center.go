package aws

import (
	"time"

	"github.com/atmos-auth/atmos-auth/config"
)

var awsSSOProviderKind = &config.KindInfo{Name: "aws/iam-identity-center", Role: config.RoleProvider, Cloud: "aws",
	Produces: CredAWSSSOToken, New: func() any { return &AWSSSOProvider{} }}

// AWSSSOProvider is an IAM Identity Center (AWS SSO) organisation.
type AWSSSOProvider struct {
	config.ProviderBase     `yaml:",inline"`
	Region                  string          `yaml:"region"`
	StartURL                string          `yaml:"start_url"`
	AutoProvisionIdentities bool            `yaml:"auto_provision_identities"`
	Session                 SessionSpec     `yaml:"session"`
	Console                 ConsoleSpec     `yaml:"console"`
	Spec                    AWSEndpointSpec `yaml:"spec"`
}

// SessionSpec is a session block with a duration.
type SessionSpec struct {
	Duration config.Duration `yaml:"duration"`
}

// ConsoleSpec configures web console sign-in.
type ConsoleSpec struct {
	SessionDuration config.Duration `yaml:"session_duration"`
}

func (p *AWSSSOProvider) Validate(c *config.Checker) {
	if c.Required("region", p.Region) {
		checkRegion(c, "region", p.Region)
	}
	if c.Required("start_url", p.StartURL) {
		c.HTTPSURL("start_url", p.StartURL)
	}
	c.DurationRange("session.duration", p.Session.Duration, 15*time.Minute, 7*24*time.Hour)
	c.DurationRange("console.session_duration", p.Console.SessionDuration, 15*time.Minute, 12*time.Hour)
	p.Spec.check(c, "spec")
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *AWSSSOProvider) Describe() string {
	return p.StartURL + " (" + p.Region + ")"
}

// RegionName is the region this step names ("" for none).
func (p *AWSSSOProvider) RegionName() string { return p.Region }
