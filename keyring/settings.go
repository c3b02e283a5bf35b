package keyring

import (
	"os"

	"github.com/atmos-auth/atmos-auth/environ"
	"path/filepath"
	"strings"
)

// Atmos's variables for the file keyring. Atmos's precedence is the
// variable over auth.keyring.spec over the default
// (pkg/auth/credentials/keyring_backends.go: resolveKeyringSetting).
const (
	EnvFilePath    = "ATMOS_KEYRING_FILE_PATH"
	EnvPasswordEnv = "ATMOS_KEYRING_PASSWORD_ENV"
)

// FileSetting is one resolved file-keyring setting and where it came from.
type FileSetting struct {
	Value  string
	Source string // the variable, "auth.keyring.spec.<key>" or "default"
}

// FileSettings resolves the file keyring's directory and password variable
// with Atmos's precedence: ATMOS_KEYRING_FILE_PATH over spec.path over the
// default directory; ATMOS_KEYRING_PASSWORD_ENV over spec.password_env over
// ATMOS_KEYRING_PASSWORD. specPath is already absolute (the loader resolves
// it against atmos.yaml); a relative ATMOS_KEYRING_FILE_PATH is relative to
// the working directory and ~/ is the home directory. A path naming an
// existing regular file means its directory (Atmos takes a path with an
// extension as a file in the keyring's directory).
func FileSettings(specPath, specPasswordEnv string, getenv func(string) string) (dir, pwEnv FileSetting) {
	if getenv == nil {
		getenv = os.Getenv
	}
	switch v := strings.TrimSpace(getenv(EnvFilePath)); {
	case v != "":
		dir = FileSetting{expandPath(v, getenv), EnvFilePath}
	case specPath != "":
		dir = FileSetting{specPath, "auth.keyring.spec.path"}
	default:
		dir = FileSetting{FileDir(getenv), "default"}
	}
	if st, err := os.Stat(dir.Value); err == nil && st.Mode().IsRegular() {
		dir.Value = filepath.Dir(dir.Value)
	}
	switch v := strings.TrimSpace(getenv(EnvPasswordEnv)); {
	case v != "":
		pwEnv = FileSetting{v, EnvPasswordEnv}
	case specPasswordEnv != "":
		pwEnv = FileSetting{specPasswordEnv, "auth.keyring.spec.password_env"}
	default:
		pwEnv = FileSetting{DefaultPasswordEnv, "default"}
	}
	return dir, pwEnv
}

func expandPath(p string, getenv func(string) string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		home := getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		p = filepath.Join(home, strings.TrimPrefix(p, "~"))
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return p
}

// ValidEnvName reports whether name can name an environment variable.
func ValidEnvName(name string) bool { return environ.ValidName(name) }
