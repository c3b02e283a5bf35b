package aws

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/kubeconfig"
)

var awsEKSIntegrationKind = &config.KindInfo{Name: "aws/eks", Role: config.RoleIntegration, Cloud: "aws",
	Accepts: []string{CredAWS}, New: func() any { return &AWSEKSIntegration{} }}

var (
	reEKSName  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9A-Za-z][A-Za-z0-9_-]*$`) })
	reKubeName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$`) })
)

// AWSEKSIntegration writes a kubeconfig entry for an EKS cluster whose
// credentials come from `atmos-auth eks token` with the identity.
type AWSEKSIntegration struct {
	config.IntegrationBase `yaml:",inline"`
	Spec                   struct {
		AutoProvision *bool `yaml:"auto_provision"`
		Cluster       struct {
			Name       string `yaml:"name"`
			Region     string `yaml:"region"`
			Alias      string `yaml:"alias"`
			Kubeconfig struct {
				Path   string `yaml:"path"`
				Mode   string `yaml:"mode"`   // file mode, octal (0600)
				Update string `yaml:"update"` // merge | replace | error
			} `yaml:"kubeconfig"`
		} `yaml:"cluster"`
		EndpointURL string `yaml:"endpoint_url"`
	} `yaml:"spec"`
}

func (s *AWSEKSIntegration) AutoProvision() bool {
	return s.Spec.AutoProvision == nil || *s.Spec.AutoProvision
}

func (s *AWSEKSIntegration) Validate(c *config.Checker) {
	cl := s.Spec.Cluster
	if c.Required("spec.cluster.name", cl.Name) {
		if len(cl.Name) > 100 {
			c.Errf("spec.cluster.name", "", "spec.cluster.name: longer than 100 characters")
		}
		c.Match("spec.cluster.name", cl.Name, reEKSName(), "EKS cluster name", "prod-eks")
	}
	if c.Required("spec.cluster.region", cl.Region) {
		checkRegion(c, "spec.cluster.region", cl.Region)
	}
	if cl.Alias != "" {
		c.Match("spec.cluster.alias", cl.Alias, reKubeName(), "kubeconfig context name", "prod")
	}
	if m := cl.Kubeconfig.Mode; m != "" {
		if _, err := kubeMode(m); err != nil {
			c.Errf("spec.cluster.kubeconfig.mode", "an octal file mode such as 0600", "spec.cluster.kubeconfig.mode: %v", err)
		}
	}
	c.OneOf("spec.cluster.kubeconfig.update", cl.Kubeconfig.Update, []string{kubeconfig.Merge, kubeconfig.Replace, kubeconfig.Error})
	c.EndpointURL("spec.endpoint_url", s.Spec.EndpointURL, AWSEndpoints)
}

// kubeMode parses an octal file mode; a kubeconfig may not be writable by
// others.
func kubeMode(m string) (os.FileMode, error) {
	n, err := strconv.ParseUint(m, 8, 32)
	if err != nil || n > 0o777 {
		return 0, fmt.Errorf("%q is not an octal file mode", m)
	}
	if n&0o022 != 0 {
		return 0, fmt.Errorf("%q lets others write the kubeconfig (and run any command through it)", m)
	}
	if n&0o600 != 0o600 {
		return 0, fmt.Errorf("%q does not let its owner read and write it", m)
	}
	return os.FileMode(n), nil
}

func (s *AWSEKSIntegration) Describe() string {
	return "eks " + s.Spec.Cluster.Name + " (" + s.Spec.Cluster.Region + ")"
}

func (s *AWSEKSIntegration) RetryCommand(name string) string {
	return "atmos-auth eks update-kubeconfig " + auth.ShellWord(name)
}

// ClusterName, ClusterRegion: `eks token` finds the integration by them.
func (s *AWSEKSIntegration) ClusterName() string   { return s.Spec.Cluster.Name }
func (s *AWSEKSIntegration) ClusterRegion() string { return s.Spec.Cluster.Region }

// kubeconfigPath is the file the entry goes to: spec.cluster.kubeconfig.path
// (~ expanded), else one managed per identity and project.
func (s *AWSEKSIntegration) kubeconfigPath(cfg *config.Config, d config.Dirs, identity string, getenv func(string) string) string {
	if p := s.Spec.Cluster.Kubeconfig.Path; p != "" {
		if p == "~" || strings.HasPrefix(p, "~/") {
			home := getenv("HOME")
			if home == "" {
				home, _ = os.UserHomeDir()
			}
			p = filepath.Join(home, p[1:])
		}
		if !filepath.IsAbs(p) && cfg.AbsPath != "" {
			p = filepath.Join(filepath.Dir(cfg.AbsPath), p)
		}
		return filepath.Clean(p)
	}
	return managedKubeconfig(cfg, d, identity)
}

func managedKubeconfig(cfg *config.Config, d config.Dirs, identity string) string {
	return filepath.Join(d.Config, "kube", auth.ProjectKey(cfg), auth.FileName(identity)+".yaml")
}

// IntegrationEnvironment puts the kubeconfig files of the identity's EKS
// integrations first in KUBECONFIG, followed by the user's own (their
// KUBECONFIG before atmos-auth, else ~/.kube/config).
func (s *AWSEKSIntegration) IntegrationEnvironment(c *auth.EnvContext, self *config.Entry, env *environ.Environment) {
	getenv := c.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	identity := c.Chain[0].Name
	var paths []string
	seen := map[string]bool{}
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	for _, e := range auth.IntegrationsOf(c.Config, identity) {
		if k, ok := e.Spec.(*AWSEKSIntegration); ok {
			add(k.kubeconfigPath(c.Config, c.Dirs, identity, getenv))
		}
	}
	managed := filepath.Join(c.Dirs.Config, "kube") + string(filepath.Separator)
	base := getenv("KUBECONFIG")
	if base == "" {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		base = filepath.Join(home, ".kube", "config")
	}
	for _, p := range filepath.SplitList(base) {
		if !strings.HasPrefix(p, managed) { // another identity's, left by a hook
			add(p)
		}
	}
	env.SetVar("KUBECONFIG", strings.Join(paths, string(filepath.ListSeparator)))
}

// eksState is what the last run wrote (no secret).
type eksState struct {
	Path string   `json:"path"`
	Name string   `json:"name"`
	Srv  string   `json:"server"`
	CA   string   `json:"ca"`
	Cmd  string   `json:"command"`
	Args []string `json:"args"`
}

func (st eksState) entry() kubeconfig.Entry {
	return kubeconfig.Entry{Name: st.Name, Server: st.Srv, CAData: st.CA, Command: st.Cmd, Args: st.Args}
}

// execArgs is the exec plugin's command line (no shell: one argument each).
func (s *AWSEKSIntegration) execArgs(c *auth.IntegrationContext) []string {
	cfg := c.Auth.Config
	var args []string
	if cfg.AbsPath != "" {
		args = append(args, "--config", cfg.AbsPath)
	}
	if len(cfg.Profiles) > 0 {
		args = append(args, "--profile", strings.Join(cfg.Profiles, ","))
	}
	return append(args, "eks", "token", "--cluster", s.Spec.Cluster.Name, "--region", s.Spec.Cluster.Region, "--identity", c.Identity.Name())
}

func (s *AWSEKSIntegration) Current(c *auth.IntegrationContext) bool {
	var st eksState
	if auth.ReadJSON(c.StatePath(), &st) != nil {
		return false
	}
	path := s.kubeconfigPath(c.Auth.Config, c.Auth.Dirs, c.Identity.Name(), c.Auth.Env)
	if st.Path != path || st.Cmd != c.Executable || strings.Join(st.Args, "\x00") != strings.Join(s.execArgs(c), "\x00") {
		return false
	}
	if a := s.Spec.Cluster.Alias; a != "" && st.Name != a {
		return false
	}
	return kubeconfig.Has(path, st.entry())
}

// Integrate describes the cluster and writes its kubeconfig entry.
func (s *AWSEKSIntegration) Integrate(ctx context.Context, c *auth.IntegrationContext) (*auth.IntegrationResult, error) {
	creds, err := integrationAWSCreds(c)
	if err != nil {
		return nil, err
	}
	cl := s.Spec.Cluster
	endpoint := s.Spec.EndpointURL
	if endpoint == "" {
		endpoint = awsEndpoint(c.Identity.Chain, "EKS", c.Auth.Env)
	}
	var out struct {
		Cluster *struct {
			Arn                  string `json:"arn"`
			Endpoint             string `json:"endpoint"`
			CertificateAuthority *struct {
				Data string `json:"data"`
			} `json:"certificateAuthority"`
		} `json:"cluster"`
	}
	call := jsonCall{serviceID: "EKS", signing: "eks", host: "eks", op: "DescribeCluster",
		method: http.MethodGet, path: "/clusters/" + url.PathEscape(cl.Name)}
	if err := call.do(ctx, c.Auth, creds, cl.Region, endpoint, &out); err != nil {
		return nil, err
	}
	if out.Cluster == nil || out.Cluster.CertificateAuthority == nil {
		return nil, fmt.Errorf("DescribeCluster %s: no endpoint or certificate authority (is the cluster still being created?)", cl.Name)
	}
	server := out.Cluster.Endpoint
	if u, err := url.Parse(server); err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && config.IsLoopbackHost(u.Hostname()))) {
		return nil, fmt.Errorf("DescribeCluster %s: the endpoint %q is not an https URL", cl.Name, server)
	}
	ca := out.Cluster.CertificateAuthority.Data
	if _, err := base64.StdEncoding.DecodeString(ca); err != nil || ca == "" {
		return nil, fmt.Errorf("DescribeCluster %s: the certificate authority is not base64", cl.Name)
	}
	name := cl.Alias
	if name == "" {
		name = out.Cluster.Arn
		if !reKubeName().MatchString(name) {
			return nil, fmt.Errorf("DescribeCluster %s: the cluster ARN %q cannot name a context: set spec.cluster.alias", cl.Name, name)
		}
	}
	if c.Executable == "" {
		return nil, fmt.Errorf("cannot tell the atmos-auth executable for the exec plugin")
	}
	path := s.kubeconfigPath(c.Auth.Config, c.Auth.Dirs, c.Identity.Name(), c.Auth.Env)
	st := eksState{Path: path, Name: name, Srv: server, CA: ca, Cmd: c.Executable, Args: s.execArgs(c)}
	update := strings.ToLower(cl.Kubeconfig.Update)
	if update == "" {
		update = kubeconfig.Merge
	}
	unlock, err := auth.Lock(ctx, c.Auth.Dirs, auth.PathLockName("kubeconfig", path), c.Auth.Env)
	if err != nil {
		return nil, err
	}
	err = kubeconfig.Update(path, st.entry(), update)
	if err == nil && cl.Kubeconfig.Mode != "" {
		if m, merr := kubeMode(cl.Kubeconfig.Mode); merr == nil {
			err = os.Chmod(path, m)
		}
	}
	unlock()
	if err != nil {
		return nil, err
	}
	if err := auth.WriteJSON(c.StatePath(), st); err != nil {
		return nil, err
	}
	return &auth.IntegrationResult{Summary: "kubeconfig context " + name + " in " + path}, nil
}

// eksTokenLifetime: EKS accepts a token for 15 minutes; clients renew a
// minute early.
const (
	eksTokenPrefix   = "k8s-aws-v1."
	eksTokenLifetime = 14 * time.Minute
	eksPresignExpiry = 60 // X-Amz-Expires, seconds (what aws-iam-authenticator sends)
)

// ClusterToken is the standard EKS bearer token: a presigned
// sts:GetCallerIdentity URL with the x-k8s-aws-id header signed in,
// base64url-encoded behind "k8s-aws-v1.".
func (s *AWSEKSIntegration) ClusterToken(ctx context.Context, c *auth.IntegrationContext) (string, time.Time, error) {
	creds, err := integrationAWSCreds(c)
	if err != nil {
		return "", time.Time{}, err
	}
	region := s.Spec.Cluster.Region
	now := c.Now()
	u, err := stsClient{a: c.Auth, region: region, endpoint: awsEndpoint(c.Identity.Chain, svcSTS, c.Auth.Env), creds: creds}.
		presignGetCallerIdentity(ctx, map[string]string{"x-k8s-aws-id": s.Spec.Cluster.Name}, eksPresignExpiry*time.Second)
	if err != nil {
		return "", time.Time{}, err
	}
	return eksTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(u)), now.Add(eksTokenLifetime), nil
}
