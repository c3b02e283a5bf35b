package aws

import (
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/config"
)

var awsSAMLProviderKind = &config.KindInfo{Name: "aws/saml", Role: config.RoleProvider, Cloud: "aws",
	Produces: CredSAML, New: func() any { return &AWSSAMLProvider{} }}

// AWSSAMLDrivers are the supported ways of obtaining the SAML assertion
// (samlDrivers in saml_step.go runs them).
var AWSSAMLDrivers = []string{"Browser", "GoogleApps", "Okta", "ADFS"}

// AWSSAMLBrowsers are the browser_type values: Chromium-family browsers,
// which this tool drives over the DevTools protocol.
var AWSSAMLBrowsers = []string{"chrome", "chromium", "msedge", "edge", "brave"}

// AWSSAMLProvider obtains a SAML assertion from an identity provider.
//
// The fields Atmos documents for it are all accepted: username and
// password (for the Okta and ADFS drivers; password normally !env),
// browser_type and browser_executable_path (the Browser driver's browser),
// download_browser_driver (accepted and ignored: the installed browser is
// used, nothing is downloaded) and provider_type (the deprecated name of
// driver).
type AWSSAMLProvider struct {
	config.ProviderBase `yaml:",inline"`
	Region              string `yaml:"region"`
	URL                 string `yaml:"url"`
	Driver              string `yaml:"driver"`
	ProviderType        string `yaml:"provider_type"`
	Username            string `yaml:"username"`
	// Password never reaches the cache fingerprint (json:"-"), a log or
	// an output.
	Password              string          `yaml:"password" json:"-"`
	BrowserType           string          `yaml:"browser_type"`
	BrowserExecutablePath string          `yaml:"browser_executable_path"`
	DownloadBrowserDriver bool            `yaml:"download_browser_driver"`
	Session               SessionSpec     `yaml:"session"`
	Spec                  AWSEndpointSpec `yaml:"spec"`
}

func (p *AWSSAMLProvider) Validate(c *config.Checker) {
	if c.Required("region", p.Region) {
		checkRegion(c, "region", p.Region)
	}
	if c.Required("url", p.URL) {
		if u := c.HTTPSURL("url", p.URL); u != nil && u.Scheme != "https" && !config.IsLoopbackHost(u.Hostname()) {
			c.Errf("url", "use the identity provider's https URL", "url: %q is plain http: a password or an assertion would cross the network unencrypted", p.URL)
		}
	}
	c.OneOf("driver", p.Driver, AWSSAMLDrivers)
	c.OneOf("provider_type", p.ProviderType, AWSSAMLDrivers)
	if p.Driver != "" && p.ProviderType != "" && p.Driver != p.ProviderType {
		c.Errf("provider_type", "remove provider_type (the deprecated name of driver)", "provider_type %q contradicts driver %q", p.ProviderType, p.Driver)
	}
	if p.BrowserType != "" && !slices.Contains(AWSSAMLBrowsers, strings.ToLower(p.BrowserType)) {
		hint := "one of " + strings.Join(AWSSAMLBrowsers, ", ")
		if strings.EqualFold(p.BrowserType, "firefox") || strings.EqualFold(p.BrowserType, "webkit") {
			hint = "atmos-auth drives Chromium-family browsers (Chrome, Chromium, Edge, Brave) over the DevTools protocol; use one of " + strings.Join(AWSSAMLBrowsers, ", ")
		}
		c.Errf("browser_type", hint, "browser_type: %q is not a browser atmos-auth can drive", p.BrowserType)
	}
	if b := p.BrowserExecutablePath; b != "" && !filepath.IsAbs(b) {
		c.Errf("browser_executable_path", "for example /usr/bin/chromium", "browser_executable_path: %q is not an absolute path", b)
	}
	c.DurationRange("session.duration", p.Session.Duration, 15*time.Minute, 12*time.Hour)
	p.Spec.check(c, "spec")
}

// driverName is driver, else the deprecated provider_type, else Browser.
func (p *AWSSAMLProvider) driverName() string {
	switch {
	case p.Driver != "":
		return p.Driver
	case p.ProviderType != "":
		return p.ProviderType
	}
	return "Browser"
}

// Describe is the one-line, secret-free summary `list` shows.
func (p *AWSSAMLProvider) Describe() string {
	return p.URL
}

// RegionName is the region this step names ("" for none).
func (p *AWSSAMLProvider) RegionName() string { return p.Region }
