package aws

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/dockercfg"
)

// Where an ECR integration stores docker credentials.
var dockerConfigModes = []string{"managed", "global"}

func ecrRetry(name string) string { return "atmos-auth ecr-login " + auth.ShellWord(name) }

// registryLogin is the docker side shared by aws/ecr and aws/ecr-public:
// a docker configuration per identity and project (exported as
// DOCKER_CONFIG in the identity's environment), or the user's global one.
type registryLogin struct{ global bool }

// registryState is what the last login left (no secret).
type registryState struct {
	Host       string    `json:"host"`
	Dir        string    `json:"dir"`
	Expiration time.Time `json:"expiration"`
}

// managedDockerDir is the identity's docker configuration directory in
// the project's cache (it holds registry tokens: 0700, files 0600).
func managedDockerDir(cfg *config.Config, d config.Dirs, identity string) string {
	return auth.CacheDir(auth.ProjectDirs(d, cfg), "docker", auth.FileName(identity))
}

// globalDockerDir is the user's docker configuration: $DOCKER_CONFIG of the
// environment before atmos-auth (unless it is a managed one), else
// ~/.docker.
func globalDockerDir(getenv func(string) string, d config.Dirs) string {
	if v := getenv("DOCKER_CONFIG"); v != "" && !strings.HasPrefix(filepath.Clean(v)+string(filepath.Separator), filepath.Clean(d.Cache)+string(filepath.Separator)) {
		return v
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".docker")
}

func (r registryLogin) dir(c *auth.IntegrationContext) string {
	if r.global {
		return globalDockerDir(c.Auth.Env, c.Auth.Dirs)
	}
	return managedDockerDir(c.Auth.Config, c.Auth.Dirs, c.Identity.Name())
}

func (r registryLogin) environment(c *auth.EnvContext, env *environ.Environment) {
	if !r.global {
		env.SetVar("DOCKER_CONFIG", managedDockerDir(c.Config, c.Dirs, c.Chain[0].Name))
	}
}

// current: the token stored last is valid for longer than the margin, in
// the directory this configuration names, and still there.
func (r registryLogin) current(c *auth.IntegrationContext) bool {
	var st registryState
	if auth.ReadJSON(c.StatePath(), &st) != nil {
		return false
	}
	dir := r.dir(c)
	if st.Dir != dir || !st.Expiration.After(c.Now().Add(c.Auth.RenewMargin())) {
		return false
	}
	return r.global || dockercfg.Has(dir, st.Host)
}

// store decodes an ECR authorization token ("AWS:<password>", base64) and
// stores it for host, under a lock on the docker configuration (another
// project or identity may write the global one at the same time).
func (r registryLogin) store(ctx context.Context, c *auth.IntegrationContext, host, token string, exp time.Time) (*auth.IntegrationResult, error) {
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil {
		return nil, errors.New("the authorization token is not base64")
	}
	user, secret, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || secret == "" {
		return nil, errors.New("the authorization token is not user:password")
	}
	if !registryHostOK(host) {
		return nil, fmt.Errorf("the registry host %q is not a host[:port]", host)
	}
	dir := r.dir(c)
	seed := ""
	if !r.global {
		if err := auth.EnsureDir(dir); err != nil {
			return nil, err
		}
		seed = filepath.Join(globalDockerDir(c.Auth.Env, c.Auth.Dirs), "config.json")
	}
	// The lock is per file, in the unscoped cache: every project writing
	// the global file takes the same one.
	unlock, err := auth.Lock(ctx, c.Auth.Dirs, auth.PathLockName("docker", dir), c.Auth.Env)
	if err != nil {
		return nil, err
	}
	how, err := dockercfg.Store(ctx, dir, host, user, secret, seed)
	unlock()
	if err != nil {
		return nil, err
	}
	if err := auth.WriteJSON(c.StatePath(), registryState{Host: host, Dir: dir, Expiration: exp.UTC()}); err != nil {
		return nil, err
	}
	return &auth.IntegrationResult{Summary: "docker login " + host + " (" + how + ")", Expiration: exp}, nil
}

// registryHostOK: a DNS name or IP with an optional port, nothing a
// docker configuration key or a message could be confused by.
func registryHostOK(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == ':' || r == '[' || r == ']') {
			return false
		}
	}
	return true
}

// integrationAWSCreds are the identity's AWS credentials for an
// integration.
func integrationAWSCreds(c *auth.IntegrationContext) (*auth.Credentials, error) {
	if c.Credentials == nil || c.Credentials.Type != CredAWS {
		return nil, fmt.Errorf("identity %q has no AWS credentials", c.Identity.Name())
	}
	return c.Credentials, nil
}
