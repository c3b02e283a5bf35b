package gcp

import (
	"context"
	"fmt"
	"net/url"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
)

const gcpConsole = "https://console.cloud.google.com"

// ConsoleURL (auth.Console) is the Google Cloud console at the project.
// Google has no federation sign-in URL for access tokens: the link carries
// no secret, and the browser signs in with its own Google session (an
// --isolated profile keeps one per identity). A destination is a console
// URL, or "" for the project's dashboard.
func (p *GCPProject) ConsoleURL(_ context.Context, _ *auth.Step, _ *auth.Credentials, o auth.ConsoleOptions) (*auth.ConsoleLink, error) {
	link := &auth.ConsoleLink{URL: gcpConsole + "/home/dashboard?project=" + url.QueryEscape(p.Principal.ProjectID)}
	if d := o.Destination; d != "" {
		u, err := url.Parse(d)
		if err != nil || u.Scheme != "https" || u.User != nil || u.Host != "console.cloud.google.com" {
			return nil, config.Invalid(fmt.Errorf("destination %q is not a %s/… URL", d, gcpConsole))
		}
		q := u.Query()
		q.Set("project", p.Principal.ProjectID)
		u.RawQuery = q.Encode()
		link.URL = u.String()
	}
	if o.Duration > 0 {
		link.Notes = append(link.Notes, "--duration has no effect on the Google Cloud console: its session is Google's")
	}
	return link, nil
}
