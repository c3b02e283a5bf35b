package formats

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// envParseGitHubEnv implements the runner's reader of $GITHUB_ENV
// (actions/runner FileCommandManager, Linux): lines end at LF; a line
// NAME=VALUE sets a value, NAME<<DELIM starts a heredoc whose value is the
// text up to (not including) the LF before a line equal to DELIM.
func envParseGitHubEnv(text string) (map[string]string, error) {
	out := map[string]string{}
	readLine := func(i int) (line string, next int, ok bool) {
		if i >= len(text) {
			return "", i, false
		}
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			return text[i:], len(text), true
		}
		return text[i : i+j], i + j + 1, true
	}
	for i := 0; ; {
		line, next, ok := readLine(i)
		if !ok {
			return out, nil
		}
		i = next
		if line == "" {
			continue
		}
		eq, hd := strings.Index(line, "="), strings.Index(line, "<<")
		switch {
		case eq >= 0 && (hd < 0 || eq < hd):
			out[line[:eq]] = line[eq+1:]
		case hd >= 0:
			name, delim := line[:hd], line[hd+2:]
			if name == "" || delim == "" {
				return nil, fmt.Errorf("invalid heredoc %q", line)
			}
			start, end := i, i
			for {
				l, n, ok := readLine(i)
				if !ok {
					return nil, fmt.Errorf("matching delimiter not found %q", delim)
				}
				if l == delim {
					i = n
					break
				}
				if n == len(text) && !strings.HasSuffix(text, "\n") {
					return nil, fmt.Errorf("EOF marker missing new line")
				}
				end = n - 1
				i = n
			}
			out[name] = text[start:max(start, end)]
		default:
			return nil, fmt.Errorf("invalid format %q", line)
		}
	}
}

type envFixedRand struct{ b byte }

func (r *envFixedRand) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.b
	}
	r.b++
	return len(p), nil
}

func TestEnvGitHubGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "github_env")
	if err := os.WriteFile(path, []byte("EARLIER=kept\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if err := (EnvGitHub{EnvFile: path, Rand: &envFixedRand{}}).RenderEnv(&stdout, envFixed()); err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(path)
	testenv.Golden(t, filepath.Join("testdata", "env.github.golden"), "== stdout\n"+stdout.String()+"== $GITHUB_ENV\n"+string(file))
}

func TestEnvGitHubRoundTrip(t *testing.T) {
	env := environ.New()
	for k, v := range envTorture() {
		env.SetVar(k, v)
		env.SetVar(k+"_TOKEN", v)
	}
	env.SetVar("T_LATIN1", "caf\xe9")
	env.UnsetVar("GONE")
	path := filepath.Join(t.TempDir(), "github_env")
	if err := os.WriteFile(path, []byte("EARLIER=kept\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	if err := (EnvGitHub{EnvFile: path}).RenderEnv(&stdout, env); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	got, err := envParseGitHubEnv(string(data))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range env.Set {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %q, want %q", k, g, v)
		}
	}
	if got["EARLIER"] != "kept" || got["GONE"] != "" || len(got) != len(env.Set)+2 {
		t.Errorf("EARLIER %q, GONE %q, %d vars", got["EARLIER"], got["GONE"], len(got))
	}
	// Masks: every non-blank line of every secret value, escaped.
	masked := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n") {
		d, ok := strings.CutPrefix(l, "::add-mask::")
		if !ok {
			t.Fatalf("stdout line is not a mask: %q", l)
		}
		masked[strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(d)] = true
	}
	for k, v := range env.Set {
		for _, line := range strings.Split(v, "\n") {
			line = strings.TrimSuffix(line, "\r")
			if strings.TrimSpace(line) == "" {
				continue
			}
			if IsSecretEnvName(k) && !masked[line] {
				t.Errorf("%s: line %q not masked", k, envTrunc(line))
			}
		}
	}
	if masked["AKIAIOSFODNN7EXAMPLE"] != true || masked["\ttab\t"] != true {
		t.Errorf("expected masks missing")
	}
}

func envTrunc(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func TestEnvGitHubDelimiterCollision(t *testing.T) {
	collide := "ghadelimiter_" + strings.Repeat("00", 16)
	env := environ.New()
	env.SetVar("X", "a\n"+collide+"\nb")
	path := filepath.Join(t.TempDir(), "github_env")
	if err := (EnvGitHub{EnvFile: path, Rand: &envFixedRand{}}).RenderEnv(&bytes.Buffer{}, env); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	got, err := envParseGitHubEnv(string(data))
	if err != nil || got["X"] != env.Set["X"] {
		t.Errorf("got %q, %v from %q", got["X"], err, data)
	}
}

func TestEnvGitHubNeedsFile(t *testing.T) {
	t.Setenv("GITHUB_ENV", "")
	err := (EnvGitHub{}).RenderEnv(&bytes.Buffer{}, envFixed())
	if err == nil || !strings.Contains(err.Error(), "GITHUB_ENV") {
		t.Errorf("err %v", err)
	}
}

// TestEnvGitHubAppendingTo: the file given wins over $GITHUB_ENV, which is
// read through the caller's getenv, not the process environment.
func TestEnvGitHubAppendingTo(t *testing.T) {
	dir := t.TempDir()
	fromVar, given := filepath.Join(dir, "from_var"), filepath.Join(dir, "given")
	t.Setenv("GITHUB_ENV", filepath.Join(dir, "process"))
	getenv := func(k string) string {
		if k == "GITHUB_ENV" {
			return fromVar
		}
		return ""
	}
	var a EnvAppender = EnvGitHub{}
	if a.FileVar() != "GITHUB_ENV" {
		t.Errorf("FileVar() = %q", a.FileVar())
	}
	env := environ.New()
	env.SetVar("X", "1")
	if err := a.AppendingTo("", getenv).RenderEnv(&bytes.Buffer{}, env); err != nil {
		t.Fatal(err)
	}
	env.SetVar("X", "2")
	if err := a.AppendingTo(given, getenv).RenderEnv(&bytes.Buffer{}, env); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{fromVar: "1", given: "2"} {
		data, _ := os.ReadFile(path)
		if got, err := envParseGitHubEnv(string(data)); err != nil || len(got) != 1 || got["X"] != want {
			t.Errorf("%s: %q, %v", filepath.Base(path), got, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "process")); err == nil {
		t.Error("wrote to the process's $GITHUB_ENV")
	}
	if err := a.AppendingTo("", func(string) string { return "" }).RenderEnv(&bytes.Buffer{}, env); err == nil || !strings.Contains(err.Error(), "GITHUB_ENV is not set") {
		t.Errorf("no file: %v", err)
	}
}

func TestIsSecretEnvName(t *testing.T) {
	for _, n := range []string{"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "GOOGLE_OAUTH_ACCESS_TOKEN",
		"ARM_CLIENT_SECRET", "AZURE_CLIENT_SECRET", "db_password", "GITHUB_TOKEN", "AWS_ACCESS_KEY_ID", "X_API_KEY"} {
		if !IsSecretEnvName(n) {
			t.Errorf("%s not secret", n)
		}
	}
	for _, n := range []string{"AWS_REGION", "AWS_PROFILE", "ATMOS_IDENTITY", "GOOGLE_APPLICATION_CREDENTIALS", "AWS_DEFAULT_REGION"} {
		if IsSecretEnvName(n) {
			t.Errorf("%s secret", n)
		}
	}
}
