package aws

import (
	"time"

	"github.com/atmos-auth/atmos-auth/config"
)

var awsSAMLProviderKind = &config.KindInfo{Name: "aws/saml", Role: config.RoleProvider, Cloud: "aws",
	Produces: CredSAML, New: func() any { return &AWSSAMLProvider{} }}

// AWSSAMLDrivers are the supported ways of obtaining the SAML assertion.
var AWSSAMLDrivers = []string{"Browser", "GoogleApps", "Okta", "ADFS"}

// AWSSAMLProvider obtains a SAML assertion from an identity provider.
type AWSSAMLProvider struct {
	config.ProviderBase `yaml:",inline"`
	Region              string          `yaml:"region"`
	URL                 string          `yaml:"url"`
	Driver              string          `yaml:"driver"`
	Session             SessionSpec     `yaml:"session"`
	Spec                AWSEndpointSpec `yaml:"spec"`
}

func (p *AWSSAMLProvider) Validate(c *config.Checker) {
	if c.Required("region", p.Region) {
		checkRegion(c, "region", p.Region)
	}
	if c.Required("url", p.URL) {
		c.HTTPSURL("url", p.URL)
	}
	c.OneOf("driver", p.Driver, AWSSAMLDrivers)
	c.DurationRange("session.duration", p.Session.Duration, 15*time.Minute, 12*time.Hour)
	p.Spec.check(c, "spec")
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *AWSSAMLProvider) Describe() string {
	return p.URL
}

// RegionName is the region this step names ("" for none).
func (p *AWSSAMLProvider) RegionName() string { return p.Region }
