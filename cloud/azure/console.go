package azure

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

// portalOf is the Azure portal of a cloud (public, US Government, China).
func portalOf(c azureCloud) string {
	switch c.Name {
	case cloudUSGov.Name:
		return "https://portal.azure.us"
	case cloudChina.Name:
		return "https://portal.azure.cn"
	}
	return "https://portal.azure.com"
}

// ConsoleURL (auth.Console) is the Azure portal at the subscription, in its
// tenant. Azure has no federation sign-in URL: the link carries no secret,
// and the browser signs in with its own Entra ID session (an --isolated
// profile keeps one per identity). A destination is a portal URL on the
// same host, or "" for the subscription's overview.
func (s *AzureSubscription) ConsoleURL(_ context.Context, st *auth.Step, c *auth.Credentials, o auth.ConsoleOptions) (*auth.ConsoleLink, error) {
	spec := chainSpec(st.Chain)
	cl, _ := spec.resolvedCloud()
	portal := portalOf(cl)
	tenant := spec.TenantID
	if c != nil && c.Payload[payTenant] != "" {
		tenant = c.Payload[payTenant]
	}
	link := &auth.ConsoleLink{URL: portal + "/#@" + url.PathEscape(tenant) + "/resource/subscriptions/" +
		url.PathEscape(s.Principal.SubscriptionID) + "/overview"}
	if d := o.Destination; d != "" {
		u, err := url.Parse(d)
		if err != nil || u.Scheme != "https" || u.User != nil || "https://"+u.Host != portal {
			return nil, config.Invalid(fmt.Errorf("destination %q is not an %s/… URL", d, portal))
		}
		link.URL = d
	}
	if o.Duration > 0 {
		link.Notes = append(link.Notes, "--duration has no effect on the Azure portal: its session is Entra ID's")
	}
	if !strings.Contains(link.URL, "#@") {
		link.Notes = append(link.Notes, "the portal opens in the browser's own tenant")
	}
	return link, nil
}
