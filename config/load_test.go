package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/cloud/aws"
	"github.com/atmos-auth/atmos-auth/config"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustLoad(t *testing.T, dir string, profiles []string, env map[string]string) *config.Config {
	t.Helper()
	cfg, err := config.LoadFile(filepath.Join(dir, "atmos.yaml"), config.LoadOptions{Kinds: cloud.Kinds(), Profiles: profiles, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestAnchorsAndMergeKeys(t *testing.T) {
	dir := writeFiles(t, map[string]string{"atmos.yaml": `
auth:
  identities:
    base: &base
      kind: aws/user
      credentials: {region: us-west-2}
    copy: *base
    merged:
      <<: *base
      default: true
`})
	cfg := mustLoad(t, dir, nil, nil)
	m := cfg.Identities["merged"]
	if !m.Default || m.Spec.(*aws.AWSUser).Credentials.Region != "us-west-2" {
		t.Fatalf("merge key not applied: %+v", m.Spec)
	}
	if cfg.Identities["copy"].Kind != "aws/user" {
		t.Fatal("alias not followed")
	}
}

func TestEnvTagDefaults(t *testing.T) {
	dir := writeFiles(t, map[string]string{"atmos.yaml": `
auth:
  identities:
    a:
      kind: aws/user
      credentials:
        access_key_id: !env KEY
        secret_access_key: !env SECRET 'it''s default'
        region: !env REGION "us-east-2"
`})
	cfg := mustLoad(t, dir, nil, map[string]string{"KEY": "AKIA"})
	c := cfg.Identities["a"].Spec.(*aws.AWSUser).Credentials
	if c.AccessKeyID != "AKIA" || c.SecretAccessKey != "it's default" || c.Region != "us-east-2" {
		t.Fatalf("got %+v", c)
	}
}

func TestProfileMergeAndKindSwap(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"atmos.yaml": `
auth:
  providers:
    p:
      kind: aws/iam-identity-center
      region: us-east-1
      start_url: https://a.awsapps.com/start
  identities:
    x:
      kind: aws/permission-set
      via: {provider: p}
      principal: {name: A, account: {name: dev}}
`,
		"profiles/one/a.yaml": `
auth:
  providers:
    p:
      region: eu-west-1
  identities:
    x:
      principal: {name: B}
`,
		"profiles/two/a.yaml": `
auth:
  providers:
    p:
      kind: aws/saml
      region: us-east-1
      url: https://idp.example.com/saml
  identities:
    x:
      kind: aws/assume-role
      via: {provider: p}
      principal: {assume_role: "arn:aws:iam::123456789012:role/R"}
`})
	cfg := mustLoad(t, dir, []string{"one"}, nil)
	p := cfg.Providers["p"].Spec.(*aws.AWSSSOProvider)
	if p.Region != "eu-west-1" || p.StartURL != "https://a.awsapps.com/start" {
		t.Fatalf("deep merge: %+v", p)
	}
	ps := cfg.Identities["x"].Spec.(*aws.AWSPermissionSet)
	if ps.Principal.Name != "B" || ps.Principal.Account.Name != "dev" {
		t.Fatalf("deep merge identity: %+v", ps.Principal)
	}
	cfg = mustLoad(t, dir, []string{"one", "two"}, nil)
	if cfg.Providers["p"].Kind != "aws/saml" {
		t.Fatal("kind not swapped")
	}
	if _, ok := cfg.Providers["p"].Spec.(*aws.AWSSAMLProvider); !ok {
		t.Fatal("spec not replaced")
	}
	if len(cfg.Files) != 3 {
		t.Fatalf("files: %v", cfg.Files)
	}
}

func TestProfileErrorNamesProfileFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"atmos.yaml":          "auth:\n  identities:\n    a: {kind: ambient}\n",
		"profiles/bad/x.yaml": "auth:\n  identities:\n    a:\n      defualt: true\n",
	})
	cfg, err := config.LoadFile(filepath.Join(dir, "atmos.yaml"), config.LoadOptions{Kinds: cloud.Kinds(), Profiles: []string{"bad"}})
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.Validate()
	if err == nil || !strings.Contains(err.Error(), filepath.Join("profiles", "bad", "x.yaml")+":4:7:") {
		t.Fatalf("want the profile file's position, got %v", err)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"15m": 15 * time.Minute, "3600": time.Hour, "3600s": time.Hour, "1d": 24 * time.Hour, "1h30m": 90 * time.Minute} {
		got, err := config.ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "-1", "soon", "1x"} {
		if _, err := config.ParseDuration(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestIdentityNamesKeepCaseDotsSlashes(t *testing.T) {
	dir := writeFiles(t, map[string]string{"atmos.yaml": `
auth:
  identities:
    Prod.Admin/EU: {kind: ambient}
    child:
      kind: aws/assume-role
      via: {identity: Prod.Admin/EU}
      principal: {assume_role: "arn:aws:iam::123456789012:role/R"}
`})
	cfg, err := config.LoadFile(filepath.Join(dir, "atmos.yaml"), config.LoadOptions{Kinds: cloud.Kinds()})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Identities["Prod.Admin/EU"]; !ok {
		t.Fatal("name changed")
	}
	// ambient produces the environment, not AWS credentials.
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), `cannot be chained from identity "Prod.Admin/EU"`) {
		t.Fatalf("got %v", err)
	}
}

func TestKeyringPathResolvesAgainstConfig(t *testing.T) {
	dir := writeFiles(t, map[string]string{"atmos.yaml": "auth:\n  keyring:\n    type: file\n    spec: {path: secrets/keyring}\n"})
	cfg := mustLoad(t, dir, nil, nil)
	if want := filepath.Join(dir, "secrets", "keyring"); cfg.Keyring.Spec.Path != want {
		t.Fatalf("got %q want %q", cfg.Keyring.Spec.Path, want)
	}
	dir = writeFiles(t, map[string]string{"atmos.yaml": "auth:\n  keyring:\n    spec: {path: ~/kr}\n"})
	cfg = mustLoad(t, dir, nil, map[string]string{"HOME": "/home/u"})
	if cfg.Keyring.Spec.Path != "/home/u/kr" {
		t.Fatalf("got %q", cfg.Keyring.Spec.Path)
	}
}
