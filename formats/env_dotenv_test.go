package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

func TestEnvDotenvGolden(t *testing.T) {
	var out bytes.Buffer
	if err := (EnvDotenv{}).RenderEnv(&out, envFixed()); err != nil {
		t.Fatal(err)
	}
	testenv.Golden(t, filepath.Join("testdata", "env.dotenv.golden"), out.String())
}

func envDotenvFile(t *testing.T) (string, map[string]string) {
	t.Helper()
	env := environ.New()
	for k, v := range envTorture() {
		if _, err := envDotenvQuote(v); err == nil {
			env.SetVar(k, v)
		}
	}
	env.UnsetVar("GONE")
	var out bytes.Buffer
	if err := (EnvDotenv{}).RenderEnv(&out, env); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "GONE") {
		t.Errorf("unset name written: dotenv cannot express unset")
	}
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, env.Set
}

// TestEnvDotenvPython reads the file with the real python-dotenv (the
// image's Python has it), interpolation on as load_dotenv does.
func TestEnvDotenvPython(t *testing.T) {
	py := testenv.RequireTool(t, "python3")
	if err := exec.Command(py, "-c", "import dotenv").Run(); err != nil {
		if testenv.InCI() {
			t.Fatal("python-dotenv is required in CI")
		}
		t.Skip("python-dotenv not installed")
	}
	path, want := envDotenvFile(t)
	out, err := exec.Command(py, "-c", `import sys, json, dotenv
sys.stdout.write(json.dumps(dotenv.dotenv_values(sys.argv[1], interpolate=True)))`, path).Output()
	if err != nil {
		t.Fatal(err)
	}
	envCompareParsed(t, "python-dotenv", out, want, func(string) bool { return true })
}

// TestEnvDotenvNode reads the file with npm dotenv, which keeps \ and " in
// double quotes literally, so only values written bare or single-quoted
// are compared.
func TestEnvDotenvNode(t *testing.T) {
	node := testenv.RequireTool(t, "node")
	script, _ := filepath.Abs("../scripts/npm/dotenv-parse.mjs")
	testenv.RequireFile(t, filepath.Join(filepath.Dir(script), "node_modules", "dotenv"))
	path, want := envDotenvFile(t)
	out, err := exec.Command(node, script, path).Output()
	if err != nil {
		t.Fatal(err)
	}
	envCompareParsed(t, "npm dotenv", out, want, func(v string) bool {
		q, _ := envDotenvQuote(v)
		return !strings.HasPrefix(q, `"`)
	})
}

func envCompareParsed(t *testing.T, parser string, out []byte, want map[string]string, compare func(string) bool) {
	t.Helper()
	var got map[string]*string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s output: %v", parser, err)
	}
	n := 0
	for k, v := range want {
		if !compare(v) {
			continue
		}
		n++
		if g := got[k]; g == nil || *g != v {
			t.Errorf("%s: %s = %v, want %q", parser, k, g, v)
		}
	}
	if n < 10 {
		t.Errorf("%s: only %d values compared", parser, n)
	}
}

func TestEnvDotenvRejects(t *testing.T) {
	for _, v := range []string{"${HOME}", "a'b$c", "a\\$", "\xff", "it's\\", `end\`} {
		env := environ.New()
		env.SetVar("X", v)
		if err := (EnvDotenv{}).RenderEnv(&bytes.Buffer{}, env); !errors.Is(err, ErrEnvInvalid) {
			t.Errorf("%q: err %v", v, err)
		}
	}
}
