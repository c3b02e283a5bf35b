package formats

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/atmos-auth/atmos-auth/environ"
)

// EnvGitHub appends the environment to the GitHub Actions environment file
// (the path in $GITHUB_ENV) so later steps of the job see it, and writes
// ::add-mask:: workflow commands to w (stdout) for every secret value
// before the file is written.
//
// Every variable uses the heredoc form, which carries any value:
//
//	NAME<<ghadelimiter_<32 random hex digits>
//	VALUE
//	ghadelimiter_<same>
//
// with a fresh delimiter that does not occur in VALUE. GitHub cannot
// remove a variable: an Unset name is written with an empty value, which
// AWS, Google and Azure tools treat as unset. Values that end in CR lose it
// on Windows runners (their reader splits lines at CRLF).
type EnvGitHub struct {
	// EnvFile overrides $GITHUB_ENV.
	EnvFile string
	// Getenv reads $GITHUB_ENV when EnvFile is empty (os.Getenv if nil).
	Getenv func(string) string
	// Rand overrides crypto/rand for delimiters (tests).
	Rand io.Reader
}

// FileVar is the variable naming the file github appends to.
func (EnvGitHub) FileVar() string { return "GITHUB_ENV" }

// AppendingTo returns g appending to file, or to $GITHUB_ENV read through
// getenv when file is "".
func (g EnvGitHub) AppendingTo(file string, getenv func(string) string) EnvFormat {
	g.EnvFile, g.Getenv = file, getenv
	return g
}

func (g EnvGitHub) RenderEnv(w io.Writer, env *environ.Environment) error {
	if env == nil {
		env = environ.New()
	}
	path := g.EnvFile
	if path == "" {
		getenv := g.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		path = getenv(g.FileVar())
	}
	if path == "" {
		return fmt.Errorf("GITHUB_ENV is not set: the github format only works inside a GitHub Actions step")
	}
	if err := envCheck(env); err != nil {
		return err
	}
	var masks, file strings.Builder
	for _, k := range env.SetKeys() {
		v := env.Set[k]
		if IsSecretEnvName(k) {
			for _, line := range envMaskLines(v) {
				masks.WriteString("::add-mask::" + envEscapeCommandData(line) + "\n")
			}
		}
		if err := g.envHeredoc(&file, k, v); err != nil {
			return err
		}
	}
	for _, k := range env.UnsetKeys() {
		if err := g.envHeredoc(&file, k, ""); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(w, masks.String()); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open $GITHUB_ENV: %w", err)
	}
	if _, err := f.WriteString(file.String()); err != nil { // one write: no interleaving
		f.Close()
		return fmt.Errorf("append to $GITHUB_ENV %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("append to $GITHUB_ENV %s: %w", path, err)
	}
	return nil
}

func (g EnvGitHub) envHeredoc(b *strings.Builder, name, value string) error {
	r := g.Rand
	if r == nil {
		r = rand.Reader
	}
	for range 100 {
		var raw [16]byte
		if _, err := io.ReadFull(r, raw[:]); err != nil {
			return fmt.Errorf("make heredoc delimiter: %w", err)
		}
		delim := "ghadelimiter_" + hex.EncodeToString(raw[:])
		if strings.Contains(value, delim) {
			continue
		}
		b.WriteString(name + "<<" + delim + "\n" + value + "\n" + delim + "\n")
		return nil
	}
	return fmt.Errorf("make heredoc delimiter for %s: every candidate occurs in the value", name)
}

// envMaskLines returns what to mask for a secret value: each non-blank
// line (without a trailing CR), since the runner masks log lines one at a
// time and a multi-line mask would never match.
func envMaskLines(v string) []string {
	var out []string
	for _, line := range strings.Split(v, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) != "" {
			out = append(out, line)
		}
	}
	return out
}

// envEscapeCommandData escapes workflow command data as @actions/core does.
func envEscapeCommandData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// envSecretWords mark a variable as secret when its upper-cased name
// contains one of them.
var envSecretWords = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PRIVATE_KEY", "API_KEY", "APIKEY", "CLIENT_KEY"}

// envSecretNames are secret variables whose names hold none of the words.
var envSecretNames = map[string]bool{
	"AWS_ACCESS_KEY_ID": true, // masked by aws-actions/configure-aws-credentials too
}

// IsSecretEnvName reports whether a variable's value must be masked in CI
// logs: AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN,
// GOOGLE_OAUTH_ACCESS_TOKEN, ARM_CLIENT_SECRET, any name containing TOKEN,
// SECRET, PASSWORD, PASSWD, PRIVATE_KEY, API_KEY, APIKEY or CLIENT_KEY
// (case-insensitive), and AWS_ACCESS_KEY_ID.
func IsSecretEnvName(name string) bool {
	u := strings.ToUpper(name)
	if envSecretNames[u] {
		return true
	}
	for _, w := range envSecretWords {
		if strings.Contains(u, w) {
			return true
		}
	}
	return false
}
