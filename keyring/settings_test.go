package keyring

import (
	"os"
	"path/filepath"
	"testing"
)

// Atmos's precedence: the variable, then auth.keyring.spec, then the
// default.
func TestFileSettings(t *testing.T) {
	home := t.TempDir()
	env := map[string]string{"HOME": home, "XDG_DATA_HOME": filepath.Join(home, "data")}
	getenv := func(k string) string { return env[k] }
	dir, pw := FileSettings("", "", getenv)
	if dir != (FileSetting{filepath.Join(home, "data", "atmos", "keyring"), "default"}) || pw != (FileSetting{DefaultPasswordEnv, "default"}) {
		t.Errorf("defaults: %+v %+v", dir, pw)
	}
	dir, pw = FileSettings("/spec/dir", "SPEC_PW", getenv)
	if dir != (FileSetting{"/spec/dir", "auth.keyring.spec.path"}) || pw != (FileSetting{"SPEC_PW", "auth.keyring.spec.password_env"}) {
		t.Errorf("spec: %+v %+v", dir, pw)
	}
	env[EnvFilePath], env[EnvPasswordEnv] = "~/kr", "ENV_PW"
	dir, pw = FileSettings("/spec/dir", "SPEC_PW", getenv)
	if dir != (FileSetting{filepath.Join(home, "kr"), EnvFilePath}) || pw != (FileSetting{"ENV_PW", EnvPasswordEnv}) {
		t.Errorf("environment: %+v %+v", dir, pw)
	}
	// A path naming a file means its directory.
	f := filepath.Join(home, "keyring.db")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	env[EnvFilePath] = f
	if dir, _ = FileSettings("", "", getenv); dir.Value != home {
		t.Errorf("file path: %+v", dir)
	}
	for name, ok := range map[string]bool{"A": true, "_x1": true, "1A": false, "A-B": false, "": false, "no such": false} {
		if ValidEnvName(name) != ok {
			t.Errorf("ValidEnvName(%q) = %v", name, !ok)
		}
	}
}
