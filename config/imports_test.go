package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/cloud"
	"github.com/atmos-auth/atmos-auth/cloud/aws"
	"github.com/atmos-auth/atmos-auth/config"
)

const ssoProvider = `
auth:
  providers:
    sso:
      kind: aws/iam-identity-center
      region: us-east-1
      start_url: https://x.awsapps.com/start
`

// load loads dir/atmos.yaml and returns every problem (decode and
// validation) as text, "" when valid.
func loadProblems(t *testing.T, dir string, env map[string]string, profiles ...string) (*config.Config, string) {
	t.Helper()
	cfg, err := config.LoadFile(filepath.Join(dir, "atmos.yaml"), config.LoadOptions{Kinds: cloud.Kinds(), Profiles: profiles,
		Getenv: func(k string) string { return env[k] }})
	if err != nil {
		return nil, err.Error()
	}
	if err := cfg.Validate(); err != nil {
		return cfg, err.Error()
	}
	return cfg, ""
}

func region(t *testing.T, cfg *config.Config) string {
	t.Helper()
	return cfg.Providers["sso"].Spec.(*aws.AWSSSOProvider).Region
}

// Atmos's order: git root .atmos.d < atmos.d < .atmos.d (shallow first,
// then by path; .yaml over .yml) < imports (each followed by its own
// imports) < atmos.yaml < profiles.
func TestSplitMergeOrder(t *testing.T) {
	layer := func(r string) string { return "auth:\n  providers:\n    sso:\n      region: " + r + "\n" }
	dir := writeFiles(t, map[string]string{
		".git/HEAD":                      "ref: refs/heads/main\n",
		".atmos.d/a.yaml":                layer("eu-north-1"),
		"sub/atmos.yaml":                 ssoProvider + "  identities:\n    i: {kind: aws/permission-set, via: {provider: sso}, principal: {name: X, account: {id: \"123456789012\"}}}\n",
		"sub/atmos.d/z.yaml":             layer("eu-west-1"),
		"sub/.atmos.d/a.yaml":            layer("eu-west-2"),
		"sub/.atmos.d/a.yml":             layer("eu-west-3"), // a.yaml wins: never read
		"sub/.atmos.d/deeper/b.yaml":     layer("eu-south-1"),
		"sub/.atmos.d/c.yaml":            layer("eu-south-2"), // shallower than deeper/b.yaml
		"sub/profiles/ci/auth.yaml":      "providers:\n  sso:\n    region: ca-central-1\n",
		"sub/profiles/ci/imported.yaml":  "auth: {}\n",
		"sub/conf/1.yaml":                layer("ap-east-1") + "import: [../nested/n.yaml]\n",
		"sub/nested/n.yaml":              layer("ap-south-1"),
		"sub/conf/2.yaml":                layer("ap-south-2"),
		"sub/profiles/ci/extra/x.yaml":   "",
		"sub/profiles/other/auth.yaml":   "auth: {}\n",
		"sub/.atmos.d/deeper/deep2.yaml": "",
	})
	sub := filepath.Join(dir, "sub")
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(sub, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := func(cfg *config.Config) string {
		var out []string
		for _, f := range cfg.Files {
			out = append(out, strings.TrimPrefix(strings.TrimPrefix(f, sub+"/"), dir+"/"))
		}
		return strings.Join(out, " ")
	}
	// No import: the last .atmos.d file wins over the git root's.
	cfg, p := loadProblems(t, sub, nil)
	if p != "" {
		t.Fatal(p)
	}
	if got, want := files(cfg), ".atmos.d/a.yaml atmos.d/z.yaml .atmos.d/a.yaml .atmos.d/c.yaml .atmos.d/deeper/b.yaml .atmos.d/deeper/deep2.yaml atmos.yaml"; got != want {
		t.Errorf("files:\n got %s\nwant %s", got, want)
	}
	// atmos.yaml sets us-east-1 itself: it wins over every fragment.
	if r := region(t, cfg); r != "us-east-1" {
		t.Errorf("region %q, want atmos.yaml's us-east-1", r)
	}
	// Without it in atmos.yaml, the deepest .atmos.d file (loaded last) wins.
	write("atmos.yaml", strings.Replace(ssoProvider, "      region: us-east-1\n", "", 1)+"  identities:\n    i: {kind: ambient}\n")
	cfg, p = loadProblems(t, sub, nil)
	if p != "" {
		t.Fatal(p)
	}
	if r := region(t, cfg); r != "eu-south-1" {
		t.Errorf("region %q, want eu-south-1 from .atmos.d/deeper/b.yaml", r)
	}
	// Imports come after .atmos.d; an imported file's own imports after it.
	write("atmos.yaml", "import: [conf/*]\n"+strings.Replace(ssoProvider, "      region: us-east-1\n", "", 1)+"  identities:\n    i: {kind: ambient}\n")
	cfg, p = loadProblems(t, sub, nil)
	if p != "" {
		t.Fatal(p)
	}
	if got, want := files(cfg), ".atmos.d/a.yaml atmos.d/z.yaml .atmos.d/a.yaml .atmos.d/c.yaml .atmos.d/deeper/b.yaml .atmos.d/deeper/deep2.yaml conf/1.yaml nested/n.yaml conf/2.yaml atmos.yaml"; got != want {
		t.Errorf("files:\n got %s\nwant %s", got, want)
	}
	if r := region(t, cfg); r != "ap-south-2" {
		t.Errorf("region %q, want ap-south-2 from the last import", r)
	}
	// A profile comes last.
	cfg, p = loadProblems(t, sub, nil, "ci")
	if p != "" {
		t.Fatal(p)
	}
	if r := region(t, cfg); r != "ca-central-1" {
		t.Errorf("region %q, want the profile's ca-central-1", r)
	}
}

// With no import: in atmos.yaml, an .atmos.d file's import: list is used
// (viper merges the keys in Atmos), relative to atmos.yaml.
func TestAtmosDImportList(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"atmos.yaml":            ssoProvider,
		".atmos.d/imports.yaml": "import: [auth/ids.yaml]\n",
		"auth/ids.yaml":         "auth:\n  identities:\n    i: {kind: aws/permission-set, via: {provider: sso}, principal: {name: X, account: {id: \"123456789012\"}}}\n",
	})
	cfg, p := loadProblems(t, dir, nil)
	if p != "" {
		t.Fatal(p)
	}
	if _, ok := cfg.Identities["i"]; !ok {
		t.Fatal("the .atmos.d import list was not followed")
	}
}

func TestSplitErrorsLocated(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"atmos.yaml":          "import:\n  - conf/ids.yaml\n  - [not, a, path]\n" + ssoProvider,
		"conf/ids.yaml":       "auth:\n  identities:\n    i:\n      kind: aws/permission-set\n      via: {provider: sso}\n      principal: {name: X, acount: {}}\n",
		".atmos.d/typo.yaml":  "auth:\n  identites: {}\n",
		".atmos.d/kinds.yaml": "auth:\n  identities:\n    e:\n      kind: aws/emulator\n",
	})
	_, p := loadProblems(t, dir, nil)
	for _, want := range []string{
		dir + "/conf/ids.yaml:6:28: identity \"i\": unknown field \"principal.acount\"",
		dir + "/.atmos.d/typo.yaml:2:3: auth: unknown field \"identites\" (did you mean \"identities\"?)",
		dir + "/.atmos.d/kinds.yaml:4:13: identity \"e\": aws/emulator is an Atmos stack kind",
		dir + "/atmos.yaml:3:5: import: expected a path or glob, got a list",
	} {
		if !strings.Contains(p, want) {
			t.Errorf("missing %q in:\n%s", want, p)
		}
	}
}

func TestImportBounds(t *testing.T) {
	outside := writeFiles(t, map[string]string{"secret.yaml": "auth:\n  identities:\n    stolen: {kind: ambient}\n", "d/x.yaml": "auth: {}\n"})
	files := map[string]string{
		".git/HEAD":   "x",
		"atmos.yaml":  "import:\n  - a.yaml\n  - link.yaml\n  - " + outside + "/secret.yaml\n  - ../*/secret.yaml\n  - linkdir/*\n  - /etc/shadow\n" + ssoProvider,
		"a.yaml":      "import: [b.yaml]\n",
		"b.yaml":      "import: [a.yaml]\n",
		"deep/0.yaml": "import: [1.yaml]\n",
	}
	for i := 1; i <= 12; i++ {
		files[fmt.Sprintf("deep/%d.yaml", i)] = fmt.Sprintf("import: [%d.yaml]\n", i+1)
	}
	dir := writeFiles(t, files)
	if err := os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "d"), filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	// A link in .atmos.d to a file outside, and .atmos.d itself a link out
	// (in a subdirectory holding its own atmos.yaml).
	if err := os.MkdirAll(filepath.Join(dir, ".atmos.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(dir, ".atmos.d", "x.yaml")); err != nil {
		t.Fatal(err)
	}
	cfg, p := loadProblems(t, dir, nil)
	for _, want := range []string{
		"import cycle: " + dir + "/a.yaml → " + dir + "/b.yaml → " + dir + "/a.yaml",
		`atmos.yaml:3:5: import: "link.yaml" leads to ` + outside + `/secret.yaml, outside the repository: not read`,
		`atmos.yaml:4:5: import: "` + outside + `/secret.yaml" leads to`,
		`atmos.yaml:5:5: import: "../*/secret.yaml" searches ` + filepath.Dir(dir) + `, outside the repository`,
		`atmos.yaml:6:5: import: "linkdir/*" searches ` + outside + `/d, outside the repository`,
		`atmos.yaml:7:5: import: "/etc/shadow" leads to /etc/shadow, outside the repository`,
		dir + `/.atmos.d/x.yaml: leads to ` + outside + `/secret.yaml, outside the repository`,
	} {
		if !strings.Contains(p, want) {
			t.Errorf("missing %q in:\n%s", want, p)
		}
	}
	if cfg != nil {
		if _, ok := cfg.Identities["stolen"]; ok {
			t.Error("a file outside the repository was merged")
		}
	}

	// Depth: Atmos's 10 levels.
	if err := os.WriteFile(filepath.Join(dir, "atmos.yaml"), []byte("import: [deep/0.yaml]\n"+ssoProvider), 0o644); err != nil {
		t.Fatal(err)
	}
	_, p = loadProblems(t, dir, nil)
	if !strings.Contains(p, "deep/9.yaml:1:10: import: imports nested more than 10 levels deep") {
		t.Errorf("depth not bounded:\n%s", p)
	}
}

func TestImportTooManyFiles(t *testing.T) {
	files := map[string]string{"atmos.yaml": ssoProvider}
	for i := 0; i < 300; i++ {
		files[fmt.Sprintf(".atmos.d/f%03d.yaml", i)] = "x: 1\n"
	}
	dir := writeFiles(t, files)
	_, p := loadProblems(t, dir, nil)
	if !strings.Contains(p, "too many configuration files: at most 256 files") {
		t.Errorf("file count not bounded:\n%s", p)
	}
}

func TestInclude(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		".git/HEAD": "x",
		"atmos.yaml": `auth:
  providers: !include auth/providers.yaml
  identities:
    i:
      kind: aws/permission-set
      via: {provider: sso}
      principal: !include auth/principals.yaml .prod.admin
    u:
      kind: aws/assume-role
      via: {identity: i}
      principal:
        assume_role: !include.raw auth/role.txt
        session_name: !include auth/session.json .name
  keyring:
    type: file
    spec:
      path: !repo-root
`,
		"auth/providers.yaml":  "sso:\n  kind: aws/iam-identity-center\n  region: !env REGION us-east-2\n  start_url: https://x.awsapps.com/start\n",
		"auth/principals.yaml": "prod:\n  admin:\n    name: Admin\n    account: {id: \"123456789012\"}\n",
		"auth/role.txt":        "arn:aws:iam::123456789012:role/R",
		"auth/session.json":    `{"name": "from-json"}`,
	})
	cfg, p := loadProblems(t, dir, nil)
	if p != "" {
		t.Fatal(p)
	}
	if r := region(t, cfg); r != "us-east-2" {
		t.Errorf("region %q: !env in an included file not resolved", r)
	}
	ar := cfg.Identities["u"].Spec.(*aws.AWSAssumeRole)
	if ar.Principal.AssumeRole != "arn:aws:iam::123456789012:role/R" || ar.Principal.SessionName != "from-json" {
		t.Errorf("included values: %+v", ar.Principal)
	}
	if ps := cfg.Identities["i"].Spec.(*aws.AWSPermissionSet); ps.Principal.Name != "Admin" {
		t.Errorf("query not applied: %+v", ps.Principal)
	}
	if real, _ := filepath.EvalSymlinks(dir); cfg.Keyring.Spec.Path != real {
		t.Errorf("!repo-root = %q, want %q", cfg.Keyring.Spec.Path, real)
	}
}

func TestIncludeErrors(t *testing.T) {
	outside := writeFiles(t, map[string]string{"x.yaml": "kind: ambient\n"})
	dir := writeFiles(t, map[string]string{
		"atmos.yaml": `auth:
  identities:
    a: !include missing.yaml
    b: !include ` + outside + `/x.yaml
    c: !include self.yaml
    d: !include bad.yaml
    e: !include https://example.com/x.yaml
    f:
      kind: aws/user
      credentials:
        region: !terraform.output vpc region
    g: !include ok.yaml .nope
    h: !include ok.yaml .[0] | keys
  keyring:
    spec:
      path: !repo-root
`,
		"self.yaml": "!include self.yaml\n",
		"bad.yaml":  "kind: ambient\n  oops: [\n",
		"ok.yaml":   "kind: ambient\n",
	})
	_, p := loadProblems(t, dir, nil)
	for _, want := range []string{
		`atmos.yaml:3:8: !include: "missing.yaml": no such file`,
		`atmos.yaml:4:8: !include: "` + outside + `/x.yaml" leads to`,
		`self.yaml:1:1: !include: include cycle`,
		`bad.yaml:2`,
		`atmos.yaml:7:8: !include: remote file "https://example.com/x.yaml" is not read`,
		`atmos.yaml:11:17: identity "f": credentials.region: !terraform.output is not supported in auth: it runs terraform`,
		`atmos.yaml:12:8: !include: query ".nope" selects nothing`,
		`atmos.yaml:13:8: !include: query ".[0] | keys" selects nothing`,
		`atmos.yaml:16:13: !repo-root: ` + dir + ` is not in a git repository`,
	} {
		if !strings.Contains(p, want) {
			t.Errorf("missing %q in:\n%s", want, p)
		}
	}
	// The refused tag says it once: no "region is empty" after it.
	if strings.Count(p, "atmos.yaml:11:17") != 1 {
		t.Errorf("follow-on problems at the refused tag:\n%s", p)
	}
}

func TestRepoRootDefault(t *testing.T) {
	dir := writeFiles(t, map[string]string{"atmos.yaml": "auth:\n  keyring:\n    type: file\n    spec: {path: !repo-root /fallback}\n  identities:\n    a: {kind: ambient}\n"})
	cfg, p := loadProblems(t, dir, nil)
	if p != "" {
		t.Fatal(p)
	}
	if cfg.Keyring.Spec.Path != "/fallback" {
		t.Errorf("default not used: %q", cfg.Keyring.Spec.Path)
	}
}

// A nested import written the Atmos way (relative to base_path) is
// skipped with a warning that says how to write it here.
func TestNestedImportHint(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"atmos.yaml":  "import: [conf/a.yaml]\n" + ssoProvider,
		"conf/a.yaml": "import: [conf/b.yaml]\n",
		"conf/b.yaml": "auth: {}\n",
	})
	cfg, p := loadProblems(t, dir, nil)
	if p != "" {
		t.Fatal(p)
	}
	var ws []string
	for _, w := range cfg.Warnings() {
		ws = append(ws, w.String())
	}
	want := `conf/a.yaml:1:10: import: "conf/b.yaml": no such file (skipped, as Atmos does) (it is relative to this file here (Atmos resolves it against base_path): write "b.yaml")`
	if len(ws) != 1 || !strings.HasSuffix(ws[0], want) {
		t.Errorf("warnings %q, want one ending in %q", ws, want)
	}
}

// .atmos.d itself a link out of the repository is not read.
func TestAtmosDLinkOut(t *testing.T) {
	outside := writeFiles(t, map[string]string{"d/x.yaml": "auth:\n  identities:\n    stolen: {kind: ambient}\n"})
	dir := writeFiles(t, map[string]string{"atmos.yaml": ssoProvider})
	if err := os.Symlink(filepath.Join(outside, "d"), filepath.Join(dir, ".atmos.d")); err != nil {
		t.Fatal(err)
	}
	cfg, p := loadProblems(t, dir, nil)
	if want := dir + "/.atmos.d: .atmos.d leads outside the repository"; !strings.Contains(p, want) {
		t.Errorf("missing %q in:\n%s", want, p)
	}
	if cfg != nil && cfg.Identities["stolen"] != nil {
		t.Error("merged a file from outside the repository")
	}
}
