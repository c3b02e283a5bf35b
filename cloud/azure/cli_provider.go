package azure

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// azure/cli: an ARM token from the user's own signed-in az (`az account
// get-access-token`). The user's Azure CLI directory is only read, by az
// itself; this tool writes nothing there (az may refresh its own cache,
// as on any az command).

// AzureCLIProvider is azure/cli.
type AzureCLIProvider struct {
	AzureProvider `yaml:",inline"`
}

const maxAZOutput = 1 << 20

// Authenticate asks the user's az for a Resource Manager token.
func (p *AzureCLIProvider) Authenticate(ctx context.Context, s *auth.Step, _ *auth.Credentials) (*auth.Credentials, error) {
	a := s.Auth
	az, err := exec.LookPath("az")
	if err != nil {
		return nil, fmt.Errorf("provider %s uses the Azure CLI, and `az` is not on PATH: install it and run `az login`", s.Name())
	}
	c, _ := p.Spec.resolvedCloud()
	ctx, cancel := context.WithTimeout(ctx, a.CallTimeout())
	defer cancel()
	args := []string{"account", "get-access-token", "--output", "json", "--resource", c.ARMAudience}
	if reUUID.MatchString(p.Spec.TenantID) {
		args = append(args, "--tenant", p.Spec.TenantID)
	}
	cmd := exec.CommandContext(ctx, az, args...)
	cmd.Env = userAzureEnv(a, os.Environ())
	var out, errb limitedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("`az account get-access-token` did not answer within %s (%s sets the bound)", a.CallTimeout(), auth.EnvHTTPTimeout)
		}
		msg := strings.TrimSpace(termsafe.String(firstLine(errb.String())))
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("`az account get-access-token` failed (%s): run `az login --tenant %s` first", msg, p.Spec.TenantID)
	}
	var r struct {
		AccessToken string `json:"accessToken"`
		ExpiresOn   int64  `json:"expires_on"`
		Tenant      string `json:"tenant"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil || r.AccessToken == "" {
		return nil, errors.New("`az account get-access-token` answered without an access token")
	}
	tok := &tokenResponse{AccessToken: r.AccessToken}
	if r.ExpiresOn > 0 {
		tok.ExpiresIn = int64(time.Unix(r.ExpiresOn, 0).Sub(a.Now()).Seconds())
	}
	creds := credsFrom(s, &p.Spec, tok, "user", azureCLIClientID)
	if err := checkTenant(s, &p.Spec, creds); err != nil {
		return nil, err
	}
	return creds, nil
}

// userAzureEnv is the environment az runs in to serve the user's own
// sign-in: an AZURE_CONFIG_DIR that is one of this tool's isolated
// directories (a shell an identity set up) is dropped, so az reads the
// user's directory, never ours.
func userAzureEnv(a *auth.Authenticator, env []string) []string {
	managed := filepath.Join(a.Dirs.Cache, "projects") + string(filepath.Separator)
	out := env[:0:0]
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "AZURE_CONFIG_DIR="); ok && strings.HasPrefix(filepath.Clean(v)+string(filepath.Separator), managed) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 300 {
				l = l[:300] + "…"
			}
			return l
		}
	}
	return ""
}

// limitedBuffer keeps at most maxAZOutput bytes.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxAZOutput - b.Len(); room > 0 {
		if len(p) > room {
			b.Buffer.Write(p[:room])
		} else {
			b.Buffer.Write(p)
		}
	}
	return len(p), nil
}
