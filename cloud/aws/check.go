package aws

import (
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/lazyre"
)

var (
	reRegion    = lazyre.New(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$`)
	reAccountID = lazyre.New(`^[0-9]{12}$`)
	// Counted repetitions like {1,512} are expanded by the regexp compiler
	// and cost about a millisecond at every process start: lengths are
	// checked in code instead.
	reRoleARN = lazyre.New(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$`)
	reMFAARN  = lazyre.New(`^arn:aws[a-z-]*:iam::[0-9]{12}:mfa/[\w+=,.@/-]+$|^arn:aws[a-z-]*:iam::[0-9]{12}:u2f/[\w+=,.@/-]+$`)
	reSession = lazyre.New(`^[\w+=,.@-]+$`)
)

// AWSEndpoints are AWS's own hosts (the DNS suffixes of its partitions).
var AWSEndpoints = config.Endpoints{What: "an AWS endpoint", Example: "https://….amazonaws.com", Suffixes: []string{".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".amazonwebservices.com.cn",
	".c2s.ic.gov", ".sc2s.sgov.gov", ".cloud.adc-e.uk", ".csp.hci.ic.gov", ".amazonaws.eu"}}

// checkRegion reports a value that is not an AWS region name.
func checkRegion(c *config.Checker, path, v string) {
	c.Match(path, v, reRegion, "AWS region", "us-east-1")
}

// checkAccountID reports a value that is not a 12-digit AWS account id.
func checkAccountID(c *config.Checker, path, v string) {
	c.Match(path, v, reAccountID, "AWS account id (12 digits)", `"123456789012" (quoted, to keep leading zeros)`)
}

// AWSEndpointSpec lets any AWS kind point at a local or private endpoint.
type AWSEndpointSpec struct {
	EndpointURL string `yaml:"endpoint_url"`
}

func (s *AWSEndpointSpec) check(c *config.Checker, path string) {
	c.EndpointURL(path+".endpoint_url", s.EndpointURL, AWSEndpoints)
}
