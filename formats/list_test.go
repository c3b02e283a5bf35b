package formats

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"gopkg.in/yaml.v3"
)

const listSecretKey, listSecretValue = "AKIALISTSECRET000001", "list/secret+value/never-shown"

func listConfig(t *testing.T, path string) *config.Config {
	t.Helper()
	env := map[string]string{"EMERGENCY_AWS_ACCESS_KEY_ID": listSecretKey, "EMERGENCY_AWS_SECRET_ACCESS_KEY": listSecretValue}
	cfg, err := config.LoadFile(path, config.LoadOptions{Kinds: cloud.Kinds(), Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// trickyConfig has names with every character mermaid and dot reserve.
func trickyConfig(t *testing.T) *config.Config {
	dir := t.TempDir()
	p := filepath.Join(dir, "atmos.yaml")
	body := `auth:
  providers:
    'sso "main" #1':
      kind: aws/iam-identity-center
      region: us-east-1
      start_url: https://x.awsapps.com/start
  identities:
    'Prod.Admin/EU <a&b>':
      kind: aws/permission-set
      default: true
      via: {provider: 'sso "main" #1'}
      principal: {name: Admin, account: {name: 'prod;[x]'}}
    'chained {x} -> y':
      kind: aws/assume-role
      via: {identity: 'Prod.Admin/EU <a&b>'}
      principal: {assume_role: "arn:aws:iam::123456789012:role/R"}
    'ünïcødé 🔑':
      kind: ambient
    'back\slash\ "q"':
      kind: ambient
`
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return listConfig(t, p)
}

func render(t *testing.T, format string, v *ListView) string {
	t.Helper()
	var b bytes.Buffer
	if err := RenderList(&b, format, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestListGolden(t *testing.T) {
	cfg := listConfig(t, "../testdata/reference/atmos.yaml")
	v := BuildListView(cfg, Filter{})
	for _, f := range ListFormatNames() {
		out := render(t, f, v)
		if strings.Contains(out, listSecretKey) || strings.Contains(out, listSecretValue) {
			t.Errorf("%s output contains a secret", f)
		}
		testenv.Golden(t, filepath.Join("testdata", "list.reference."+f+".golden"), out)
	}
}

func TestListJSONAndYAMLParse(t *testing.T) {
	for _, cfg := range []*config.Config{listConfig(t, "../testdata/reference/atmos.yaml"), trickyConfig(t)} {
		v := BuildListView(cfg, Filter{})
		var j, y ListView
		if err := json.Unmarshal([]byte(render(t, "json", v)), &j); err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal([]byte(render(t, "yaml", v)), &y); err != nil {
			t.Fatal(err)
		}
		if len(j.Providers) != len(v.Providers) || len(y.Standalone) != len(v.Standalone) {
			t.Fatalf("round trip lost entries")
		}
	}
}

// TestListGraphvizRenders runs Debian's dot on the output.
func TestListGraphvizRenders(t *testing.T) {
	dot := testenv.RequireTool(t, "dot")
	for name, cfg := range map[string]*config.Config{"reference": listConfig(t, "../testdata/reference/atmos.yaml"), "tricky": trickyConfig(t)} {
		cmd := exec.Command(dot, "-Tsvg")
		cmd.Stdin = strings.NewReader(render(t, "graphviz", BuildListView(cfg, Filter{})))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || stderr.Len() > 0 || !bytes.Contains(out, []byte("<svg")) {
			t.Errorf("%s: dot failed: %v %s", name, err, stderr.String())
		}
	}
	// The check can fail: broken DOT is rejected.
	cmd := exec.Command(dot, "-Tsvg")
	cmd.Stdin = strings.NewReader("digraph { a -> }")
	if cmd.Run() == nil {
		t.Fatal("dot accepted broken input")
	}
}

// TestListMermaidParses runs the real mermaid parser (scripts/npm).
func TestListMermaidParses(t *testing.T) {
	node := testenv.RequireTool(t, "node")
	script, _ := filepath.Abs("../scripts/npm/mermaid-check.mjs")
	testenv.RequireFile(t, filepath.Join(filepath.Dir(script), "node_modules", "mermaid"))
	dir := t.TempDir()
	check := func(name, text string) error {
		p := filepath.Join(dir, name+".mmd")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(node, script, p).CombinedOutput()
		if err != nil {
			return &parseErr{string(out)}
		}
		return nil
	}
	for name, cfg := range map[string]*config.Config{"reference": listConfig(t, "../testdata/reference/atmos.yaml"), "tricky": trickyConfig(t)} {
		if err := check(name, render(t, "mermaid", BuildListView(cfg, Filter{}))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if check("broken", "flowchart LR\n  a[[\"x]] -->\n") == nil {
		t.Fatal("mermaid parser accepted broken input")
	}
}

type parseErr struct{ s string }

func (e *parseErr) Error() string { return e.s }

func TestListFilters(t *testing.T) {
	cfg := listConfig(t, "../testdata/reference/atmos.yaml")
	v := BuildListView(cfg, Filter{Identities: []string{"prod-readonly", "emergency"}, ShowIdentities: true})
	if len(v.Providers) != 1 || v.Providers[0].Name != "company-sso" || len(v.Providers[0].Identities) != 1 ||
		v.Providers[0].Identities[0].Name != "prod-readonly" || len(v.Standalone) != 1 {
		t.Fatalf("identity filter: %+v", v)
	}
	v = BuildListView(cfg, Filter{ShowProviders: true})
	if len(v.Providers) != len(cfg.ProviderOrder) || len(v.Standalone) != 0 || len(v.Providers[0].Identities) != 0 {
		t.Fatalf("providers only: %+v", v)
	}
	if v.Providers[0].IdentityCount != 6 {
		t.Fatalf("count: %d", v.Providers[0].IdentityCount)
	}
}
