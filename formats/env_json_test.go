package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

func TestEnvJSONGolden(t *testing.T) {
	var out bytes.Buffer
	if err := (EnvJSON{}).RenderEnv(&out, envFixed()); err != nil {
		t.Fatal(err)
	}
	testenv.Golden(t, filepath.Join("testdata", "env.json.golden"), out.String())
}

func TestEnvJSONRoundTrip(t *testing.T) {
	env := environ.New()
	for k, v := range envTorture() {
		env.SetVar(k, v)
	}
	env.UnsetVar("GONE")
	var out bytes.Buffer
	if err := (EnvJSON{}).RenderEnv(&out, env); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Set   map[string]string
		Unset []string
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for k, v := range env.Set {
		if doc.Set[k] != v {
			t.Errorf("%s = %q, want %q", k, doc.Set[k], v)
		}
	}
	if len(doc.Set) != len(env.Set) || len(doc.Unset) != 1 || doc.Unset[0] != "GONE" {
		t.Errorf("shape: %d set, unset %v", len(doc.Set), doc.Unset)
	}
	out.Reset()
	if err := (EnvJSON{}).RenderEnv(&out, environ.New()); err != nil || out.String() != "{\"set\":{},\"unset\":[]}\n" {
		t.Errorf("empty: %q %v", out.String(), err)
	}
	bad := environ.New()
	bad.SetVar("X", "\xff")
	if err := (EnvJSON{}).RenderEnv(&out, bad); !errors.Is(err, ErrEnvInvalid) {
		t.Errorf("invalid UTF-8: %v", err)
	}
}
