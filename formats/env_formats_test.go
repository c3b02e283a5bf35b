package formats

import (
	"bytes"
	"errors"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/shells"
)

// envTorture holds hard values (all valid UTF-8, no NUL).
func envTorture() map[string]string {
	return map[string]string{
		"T_EMPTY": "", "T_PLAIN": "AKIAIOSFODNN7EXAMPLE", "T_SPACE": " two  words ",
		"T_SQUOTE": "it's", "T_DQUOTE": `say "hi"`, "T_BACKSLASH": `a\b\\c\n`, "T_TRAIL_BS": `end\`,
		"T_DOLLAR": "$HOME $(id) `id` $$", "T_BANG": "!! !$", "T_NEWLINES": "l1\nl2\n\nl4",
		"T_TRAIL_NL": "nl\n", "T_ONLY_NL": "\n", "T_CR": "a\r\nb\r", "T_TAB": "\ttab\t",
		"T_UTF8": "héllo 日本語 🔑", "T_GLOB": "*?[a]{b}", "T_HASH": "# x #y", "T_EQ": "=a=b",
		"T_DASH": "-n", "T_QUOTE_NL": "it's\nmulti \"line\"\\", "T_PERCENT": "%0A %25 %",
		"T_LONG":    strings.Repeat("0123456789abcdef", 100*1024/16),
		"T_HEREDOC": "ghadelimiter_x\nEOF\nT_X<<EOF\n=",
	}
}

func envFixed() *environ.Environment {
	env := environ.New()
	env.SetVar("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	env.SetVar("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	env.SetVar("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==")
	env.SetVar("AWS_REGION", "eu-west-1")
	env.SetVar("ATMOS_IDENTITY", "prod-admin")
	env.SetVar("EMPTY", "")
	env.SetVar("QUOTES", `it's "quoted" \ <&>`)
	env.SetVar("MULTILINE", "line1\nline2\n")
	env.SetVar("GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.line1\nline2")
	env.SetVar("UNICODE", "héllo ‘curly’ 🔑")
	env.UnsetVar("AWS_PROFILE")
	env.UnsetVar("AWS_DEFAULT_PROFILE")
	return env
}

// envFormatNames returns the keys of envFormats, sorted.
func envFormatNames() []string {
	return slices.Sorted(maps.Keys(envFormats))
}

func TestEnvFormatsRegistry(t *testing.T) {
	if got := strings.Join(envFormatNames(), " "); got != "dotenv env github json" {
		t.Errorf("envFormats = %q", got)
	}
}

// TestEnvRegistry: Env holds every shell, rendering exactly what
// shells.Render does, and every format of envFormats, and nothing else.
func TestEnvRegistry(t *testing.T) {
	if got, want := strings.Join(EnvNames(), " "), "bash dotenv elvish env fish github json nu pwsh tcsh zsh"; got != want {
		t.Errorf("EnvNames() = %q, want %q", got, want)
	}
	if len(Env) != len(shells.Registry)+len(envFormats) {
		t.Errorf("Env has %d entries, want %d shells + %d formats", len(Env), len(shells.Registry), len(envFormats))
	}
	for name, d := range shells.Registry {
		want, err := shells.Render(d, envFixed())
		if err != nil {
			t.Fatal(err)
		}
		f, err := LookupEnvFormat(name)
		if err != nil {
			t.Errorf("shell %s: %v", name, err)
			continue
		}
		var got bytes.Buffer
		if err := f.RenderEnv(&got, envFixed()); err != nil || got.String() != want {
			t.Errorf("%s renders %q, %v; shells.Render gives %q", name, got.String(), err, want)
		}
	}
	for name, f := range envFormats {
		if g, err := LookupEnvFormat(name); err != nil || reflect.TypeOf(g) != reflect.TypeOf(f) {
			t.Errorf("format %s: %v, %v", name, g, err)
		}
	}
	_, err := LookupEnvFormat("cmd")
	if want := `unknown format "cmd": choose one of bash, dotenv, elvish, env, fish, github, json, nu, pwsh, tcsh, zsh`; err == nil || err.Error() != want {
		t.Errorf("LookupEnvFormat(cmd) = %v, want %s", err, want)
	}
}

// TestEnvRejectEverywhere: every output, shell or not, refuses a bad name
// and a NUL byte whole, writing nothing; its error names the variable and
// never holds the value.
func TestEnvRejectEverywhere(t *testing.T) {
	isShell := func(err error) bool {
		return errors.Is(err, shells.ErrInvalidName) || errors.Is(err, shells.ErrInvalidValue)
	}
	for _, name := range EnvNames() {
		f := envFormatTo(t, Env[name])
		_, shell := shells.Registry[name]
		for _, bad := range []string{"", "1A", "A-B", "A B", "A=B", "A\nB", "A\x00B"} {
			env := environ.New()
			env.SetVar("OK", "fine")
			env.SetVar(bad, "top-secret")
			var out bytes.Buffer
			err := f.RenderEnv(&out, env)
			if err == nil || out.Len() > 0 || strings.Contains(err.Error(), "top-secret") || isShell(err) != shell || errors.Is(err, ErrEnvInvalid) == shell {
				t.Errorf("%s: name %q: err %v, out %q", name, bad, err, out.String())
			}
		}
		env := environ.New()
		env.SetVar("OK", "fine")
		env.SetVar("X_TOKEN", "top\x00secret")
		var out bytes.Buffer
		err := f.RenderEnv(&out, env)
		if err == nil || out.Len() > 0 || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "X_TOKEN") {
			t.Errorf("%s: NUL: err %v, out %q", name, err, out.String())
		}
	}
}

func TestEnvFormatsReject(t *testing.T) {
	for _, name := range envFormatNames() {
		for _, bad := range []string{"", "1A", "A-B", "A B", "A=B", "A\nB"} {
			env := environ.New()
			env.SetVar(bad, "v")
			var out bytes.Buffer
			f := envFormatTo(t, envFormats[name])
			if err := f.RenderEnv(&out, env); !errors.Is(err, ErrEnvInvalid) || out.Len() > 0 {
				t.Errorf("%s: name %q: err %v out %q", name, bad, err, out.String())
			}
		}
		env := environ.New()
		env.SetVar("X_TOKEN", "top\x00secret")
		f := envFormatTo(t, envFormats[name])
		err := f.RenderEnv(&bytes.Buffer{}, env)
		if !errors.Is(err, ErrEnvInvalid) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: NUL: %v", name, err)
		}
	}
}

// envFormatTo returns f, set to append to a file of the test when it is an
// EnvAppender.
func envFormatTo(t *testing.T, f EnvFormat) EnvFormat {
	if a, ok := f.(EnvAppender); ok {
		return a.AppendingTo(filepath.Join(t.TempDir(), "env"), nil)
	}
	return f
}
