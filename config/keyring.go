package config

import (
	"strings"

	"github.com/atmos-auth/atmos-auth/environ"
)

// checkKeyringSpec checks auth.keyring.spec. password_env names the
// variable holding the file keyring's password; a repository choosing a
// variable that everyone can read (PATH, HOME, a CI run id) would make the
// keyring's encryption key guessable, so those are refused.
func (ld *loader) checkKeyringSpec(cfg *Config, top map[string]Pos) {
	name := cfg.Keyring.Spec.PasswordEnv
	if name == "" {
		return
	}
	pos := top["keyring.spec.password_env"]
	if !environ.ValidName(name) {
		ld.d.add(pos, "auth.keyring", "write the variable's name, for example ATMOS_KEYRING_PASSWORD", "spec.password_env %q is not a variable name", name)
		return
	}
	if publicEnv(name) {
		ld.d.add(pos, "auth.keyring", "name a variable that holds only the keyring's password, for example ATMOS_KEYRING_PASSWORD",
			"spec.password_env %q names a variable that holds no secret: the keyring's password would be guessable", name)
	}
}

// publicEnv: variables whose values are not secrets (set by the shell, the
// login, the terminal, CI runners).
func publicEnv(name string) bool {
	switch strings.ToUpper(name) {
	case "PATH", "HOME", "USER", "USERNAME", "LOGNAME", "SHELL", "PWD", "OLDPWD", "TERM", "LANG", "LANGUAGE",
		"HOSTNAME", "HOST", "TMPDIR", "TMP", "TEMP", "EDITOR", "VISUAL", "PAGER", "CI", "SHLVL", "DISPLAY",
		"MAIL", "TZ", "COLORTERM", "TERM_PROGRAM", "SSH_TTY", "SSH_CONNECTION", "SSH_CLIENT", "SSH_AUTH_SOCK",
		"GOPATH", "GOROOT", "JAVA_HOME", "NODE_ENV", "VIRTUAL_ENV", "PS1", "_":
		return true
	}
	for _, p := range []string{"LC_", "XDG_", "GITHUB_RUN", "GITHUB_REPOSITORY", "GITHUB_SHA", "GITHUB_REF", "GITHUB_ACTOR",
		"GITHUB_WORKFLOW", "GITHUB_EVENT", "GITHUB_JOB", "GITHUB_HEAD_REF", "GITHUB_BASE_REF", "GITHUB_SERVER_URL",
		"RUNNER_", "CI_", "BUILD_", "ATMOS_XDG_", "ATMOS_CLI_CONFIG_PATH", "ATMOS_PROFILE", "ATMOS_BASE_PATH"} {
		if strings.HasPrefix(strings.ToUpper(name), p) {
			return true
		}
	}
	return false
}
