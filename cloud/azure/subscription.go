package azure

import "github.com/atmos-auth/atmos-auth/config"

var azureSubscriptionKind = &config.KindInfo{Name: "azure/subscription", Role: config.RoleIdentity, Cloud: "azure",
	Produces: CredAzure, Accepts: []string{CredAzure}, New: func() any { return &AzureSubscription{} }}

// AzureSubscription targets one subscription.
type AzureSubscription struct {
	config.IdentityBase `yaml:",inline"`
	Principal           struct {
		SubscriptionID string `yaml:"subscription_id"`
		Location       string `yaml:"location"`
		ResourceGroup  string `yaml:"resource_group"`
	} `yaml:"principal"`
}

func (s *AzureSubscription) Validate(c *config.Checker) {
	if c.Required("principal.subscription_id", s.Principal.SubscriptionID) {
		c.Match("principal.subscription_id", s.Principal.SubscriptionID, reUUID, "subscription id (a GUID)", "12345678-1234-1234-1234-123456789012")
	}
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *AzureSubscription) Describe() string {
	return "subscription " + s.Principal.SubscriptionID
}
