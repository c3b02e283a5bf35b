package formats

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// TestEnvPlainRoundTrip: every value on one line comes back byte for byte
// when a reader takes each line as NAME=VALUE (bash's read -r and export,
// as `env $(cat ...)`-style consumers do, split at the first =); unsets are
// omitted; a value with a line break is refused whole.
func TestEnvPlainRoundTrip(t *testing.T) {
	testenv.RequireTool(t, "bash")
	env := environ.New()
	want := map[string]string{}
	for k, v := range envTorture() {
		if !strings.ContainsAny(v, "\n\r\x00") {
			env.SetVar(k, v)
			want[k] = v
		}
	}
	env.SetVar("HAS_EQUALS", "a=b=c")
	want["HAS_EQUALS"] = "a=b=c"
	env.UnsetVar("GONE")
	var out bytes.Buffer
	if err := (EnvPlain{}).RenderEnv(&out, env); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "GONE") {
		t.Error("an unset name was written")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "plain.env")
	if err := os.WriteFile(file, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range want {
		script := `while IFS= read -r l; do export "$l"; done < "$1"; printf %s "${!2}"`
		got, err := exec.Command("bash", "-c", script, "bash", file, k).Output()
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if string(got) != v {
			t.Errorf("%s: got %q, want %q", k, got, v)
		}
	}
	bad := environ.New()
	bad.SetVar("OK", "x")
	bad.SetVar("ML", "a\nb")
	out.Reset()
	if err := (EnvPlain{}).RenderEnv(&out, bad); !errors.Is(err, ErrEnvInvalid) || out.Len() != 0 || strings.Contains(err.Error(), "a\nb") {
		t.Errorf("multi-line value: err %v, wrote %q", err, out.String())
	}
}
