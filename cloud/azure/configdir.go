package azure

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/fsutil"
)

// The isolated Azure CLI directory of an identity (AZURE_CONFIG_DIR):
//
//	<cache>/projects/<project>/azure/config/<identity>/   (0700)
//	  azureProfile.json            the identity's subscription, tenant and user
//	  msal_token_cache.json        its current access token, in MSAL's shape
//	  service_principal_entries.json   azure/oidc: the client assertion az
//	                               would use to renew (short-lived)
//	  config, clouds.config        the cloud az talks to (a custom cloud when
//	                               the authority or ARM is overridden)
//
// az, Terraform's azurerm/azapi (ARM_USE_CLI) and the SDKs' CLI
// credentials read it; the user's own ~/.azure is never read or written
// for it. Prepare rewrites what changed whenever env, exec, shell or login
// run, so it holds the token the last login obtained. It never holds a
// refresh token: when the access token expires, `atmos-auth login` (or
// `exec`, which renews first) renews it.

// IsolatedConfigDir is the identity's AZURE_CONFIG_DIR.
func IsolatedConfigDir(c *config.Config, d config.Dirs, identity string) string {
	return auth.CacheDir(auth.ProjectDirs(d, c), "azure", "config", auth.FileName(identity))
}

// customCloudName names the az cloud registered for an overridden
// authority or ARM endpoint.
const customCloudName = "AtmosAuthCustom"

// prepareConfigDir writes the identity's isolated directory.
func prepareConfigDir(c *auth.EnvContext, sub *AzureSubscription) error {
	dir := IsolatedConfigDir(c.Config, c.Dirs, c.Chain[0].Name)
	if err := auth.EnsureDir(dir); err != nil {
		return fmt.Errorf("create the isolated Azure CLI directory: %w", err)
	}
	spec := chainSpec(c.Chain)
	cl, custom := spec.resolvedCloud()
	creds, _ := auth.ReadStep(auth.ProjectDirs(c.Dirs, c.Config), c.Chain, "")
	files := map[string][]byte{}
	tenant := spec.TenantID
	user, kind, client := "", "user", ""
	if creds != nil && creds.Type == CredAzure {
		if t := creds.Payload[payTenant]; t != "" {
			tenant = t
		}
		user, client = creds.Payload[payUser], creds.Payload[payClientID]
		if k := creds.Payload[payKind]; k != "" {
			kind = k
		}
	}
	if _, ok := c.Chain[len(c.Chain)-1].Spec.(*AzureOIDCProvider); ok {
		kind = "servicePrincipal"
		client = chainSpec(c.Chain).ClientID
		if user == "" {
			user = client
		}
	}
	if user == "" {
		// Not logged in yet: az names this user in its error.
		user = "run atmos-auth login -i " + auth.FileName(c.Chain[0].Name)
	}
	cloudName := cl.Name
	if custom {
		cloudName = customCloudName
	}
	profile := map[string]any{"installationId": installationID(dir), "subscriptions": []any{map[string]any{
		"id": sub.Principal.SubscriptionID, "name": sub.Principal.SubscriptionID, "state": "Enabled",
		"user": map[string]string{"name": user, "type": kind}, "isDefault": true, "tenantId": tenant,
		"environmentName": cloudName, "homeTenantId": tenant, "managedByTenants": []any{}}}}
	files["azureProfile.json"] = mustJSON(profile)
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "[cloud]\nname = %s\n\n[core]\ncollect_telemetry = false\nfirst_run = no\n", cloudName)
	if sub.Principal.ResourceGroup != "" || sub.Principal.Location != "" {
		cfg.WriteString("\n[defaults]\n")
		if sub.Principal.ResourceGroup != "" {
			fmt.Fprintf(&cfg, "group = %s\n", sub.Principal.ResourceGroup)
		}
		if sub.Principal.Location != "" {
			fmt.Fprintf(&cfg, "location = %s\n", sub.Principal.Location)
		}
	}
	files["config"] = []byte(cfg.String())
	if custom {
		files["clouds.config"] = []byte(fmt.Sprintf("[%s]\nendpoint_active_directory = %s\nendpoint_resource_manager = %s/\nendpoint_active_directory_resource_id = %s\nendpoint_management = %s\nprofile = latest\n",
			customCloudName, cl.Authority, cl.ARM, cl.ARMAudience, cl.ARMAudience))
	} else {
		files["clouds.config"] = nil
	}
	files["msal_token_cache.json"] = msalCache(cl, creds, tenant)
	files["service_principal_entries.json"] = nil
	if kind == "servicePrincipal" && creds != nil && creds.Payload[payAssertion] != "" {
		files["service_principal_entries.json"] = mustJSON([]map[string]string{{"client_id": client, "tenant": tenant,
			"client_assertion": creds.Payload[payAssertion]}})
	}
	for name, want := range files {
		p := filepath.Join(dir, name)
		if want == nil {
			if _, err := auth.RemoveFile(p); err != nil {
				return err
			}
			continue
		}
		if got, err := fsutil.ReadRegular(p, fsutil.MaxConfigSize); err == nil && bytes.Equal(got, want) {
			continue
		}
		if err := auth.WriteFileAtomic(p, want); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	return nil
}

// installationID keeps az's installation id stable per directory.
func installationID(dir string) string {
	var p struct {
		ID string `json:"installationId"`
	}
	if b, err := fsutil.ReadRegular(filepath.Join(dir, "azureProfile.json"), fsutil.MaxConfigSize); err == nil {
		_ = json.Unmarshal(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), &p)
	}
	if reUUID.MatchString(p.ID) {
		return p.ID
	}
	sum := fmt.Sprintf("%x", sha256.Sum256([]byte(dir)))
	return sum[:8] + "-" + sum[8:12] + "-" + sum[12:16] + "-" + sum[16:20] + "-" + sum[20:32]
}

// msalCache is an MSAL token cache holding the credentials' access token
// for the Resource Manager scopes az asks for: account, access token and
// app metadata — no refresh token, no id token.
func msalCache(cl azureCloud, c *auth.Credentials, tenant string) []byte {
	cache := map[string]map[string]any{"AccessToken": {}, "Account": {}, "IdToken": {}, "RefreshToken": {}, "AppMetadata": {}}
	if c == nil || c.Type != CredAzure || c.Secret(auth.PayloadToken) == "" {
		return mustJSON(cache)
	}
	u, err := url.Parse(cl.Authority)
	if err != nil {
		return mustJSON(cache)
	}
	env := strings.ToLower(u.Hostname())
	realm, authType := tenant, "MSSTS"
	if isADFS(cl.Authority) {
		realm, authType = "adfs", "ADFS"
	}
	arm := strings.TrimRight(cl.ARM, "/")
	target := strings.Join([]string{cl.ARMAudience + "/.default", arm + "//.default", arm + "/.default"}, " ")
	exp := strconv.FormatInt(c.Expiration.Unix(), 10)
	at := map[string]any{"credential_type": "AccessToken", "secret": c.Secret(auth.PayloadToken), "environment": env,
		"realm": realm, "target": target, "token_type": "Bearer", "cached_at": exp, "expires_on": exp, "extended_expires_on": exp}
	if c.Payload[payKind] == "servicePrincipal" {
		at["client_id"], at["home_account_id"] = c.Payload[payClientID], nil
		cache["AccessToken"][strings.ToLower("-"+env+"-accesstoken-"+c.Payload[payClientID]+"-"+realm+"-"+target)] = at
		return mustJSON(cache)
	}
	home := c.Payload[payObjectID] + "." + tenant
	at["client_id"], at["home_account_id"] = azureCLIClientID, home
	cache["AccessToken"][strings.ToLower(home+"-"+env+"-accesstoken-"+azureCLIClientID+"-"+realm+"-"+target)] = at
	cache["Account"][strings.ToLower(home+"-"+env+"-"+realm)] = map[string]any{"home_account_id": home, "environment": env,
		"realm": realm, "local_account_id": c.Payload[payObjectID], "username": c.Payload[payUser], "authority_type": authType}
	cache["AppMetadata"]["appmetadata-"+env+"-"+azureCLIClientID] = map[string]any{"client_id": azureCLIClientID, "environment": env}
	return mustJSON(cache)
}

func mustJSON(v any) []byte {
	b, _ := json.MarshalIndent(v, "", "  ")
	return append(b, '\n')
}

// removeConfigDir removes the identity's isolated directory.
func removeConfigDir(a *auth.Authenticator, identity string) (bool, error) {
	dir := IsolatedConfigDir(a.Config, a.Dirs, identity)
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return true, os.RemoveAll(dir)
}
