package azure

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

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
	c.Match("principal.location", s.Principal.Location, reLocation, "Azure location", "eastus")
	c.Match("principal.resource_group", s.Principal.ResourceGroup, reRG, "resource group name", "my-rg")
}

// Describe is the one-line, secret-free summary `list` shows.
func (s *AzureSubscription) Describe() string {
	return "subscription " + s.Principal.SubscriptionID
}

// RegionName is the subscription's location, else its provider's.
func (s *AzureSubscription) RegionName() string { return s.Principal.Location }

// Authenticate scopes the provider's Resource Manager token to the
// subscription: the token is the same; the subscription is where it is
// used (azureProfile.json, AZURE_SUBSCRIPTION_ID).
func (s *AzureSubscription) Authenticate(_ context.Context, st *auth.Step, base *auth.Credentials) (*auth.Credentials, error) {
	if base == nil || base.Type != CredAzure {
		return nil, fmt.Errorf("identity %s needs Azure credentials from its provider", st.Name())
	}
	c := *base
	c.Payload = map[string]string{}
	for k, v := range base.Payload {
		c.Payload[k] = v
	}
	c.Account = s.Principal.SubscriptionID
	if r := auth.ChainRegion(st.Chain); r != "" {
		c.Region = r
	}
	return &c, nil
}

// Prepare writes the identity's isolated Azure CLI directory.
func (s *AzureSubscription) Prepare(c *auth.EnvContext) error { return prepareConfigDir(c, s) }

// Logout removes the identity's isolated Azure CLI directory.
func (s *AzureSubscription) Logout(_ context.Context, st *auth.Step) ([]string, error) {
	ok, err := removeConfigDir(st.Auth, st.Name())
	if err != nil || !ok {
		return nil, err
	}
	return []string{"removed the isolated Azure CLI directory of " + st.Name()}, nil
}

// Verify asks Resource Manager for the subscription with the cached token
// (whoami --verify): the principal is who the token names, the account
// the subscription ARM returned and its tenant.
func (s *AzureSubscription) Verify(ctx context.Context, st *auth.Step, c *auth.Credentials) (string, string, error) {
	if c == nil || c.Type != CredAzure || c.Secret(auth.PayloadToken) == "" {
		return "", "", fmt.Errorf("identity %q has no Azure token to verify", st.Name())
	}
	a := st.Auth
	cl, _ := chainSpec(st.Chain).resolvedCloud()
	u := cl.ARM + "/subscriptions/" + url.PathEscape(s.Principal.SubscriptionID) + "?api-version=2022-12-01"
	ctx, cancel := context.WithTimeout(ctx, a.CallTimeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Authorization", "Bearer "+c.Secret(auth.PayloadToken))
	req.Header.Set("Accept", "application/json")
	body, status, err := do(ctx, a, req, "Azure Resource Manager", "spec.resource_manager_endpoint")
	if err != nil {
		return "", "", &auth.StepError{Chain: st.Chain, Err: err}
	}
	var out struct {
		ID       string `json:"subscriptionId"`
		Tenant   string `json:"tenantId"`
		Name     string `json:"displayName"`
		State    string `json:"state"`
		ARMError struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &out)
	if status != http.StatusOK {
		msg := fmt.Sprintf("Azure Resource Manager answered HTTP %d", status)
		if out.ARMError.Code != "" {
			msg += ": " + termsafe.String(out.ARMError.Code) + ": " + termsafe.String(firstLine(out.ARMError.Message))
		}
		if status == http.StatusUnauthorized {
			a.Invalidate(st)
			return "", "", fmt.Errorf("%s: %s; the cached token was removed: run `atmos-auth login -i %s`", config.ChainString(st.Chain), msg, st.Name())
		}
		return "", "", &auth.StepError{Chain: st.Chain, Err: fmt.Errorf("%s", msg)}
	}
	acct := termsafe.String(out.ID)
	if out.Tenant != "" {
		acct += " (tenant " + termsafe.String(out.Tenant) + ")"
	}
	return c.Principal, acct, nil
}
