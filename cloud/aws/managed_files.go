package aws

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/lazyre"
)

// The managed AWS config file (see ManagedAWSFiles) holds one profile per
// AWS identity:
//
//	[profile prod-admin]
//	credential_process = '/usr/local/bin/atmos-auth' --config '/repo/atmos.yaml' credential-process --identity 'prod-admin'
//	region = us-east-1
//
// so every SDK asks atmos-auth for credentials each time it needs them:
// atmos-auth serves the cache and renews expiring steps, and a long-lived
// shell never holds stale keys. The user's own profiles follow them (see
// user_profiles.go). The first line is a hash of the content's inputs
// (identities, regions, executable, config path, profiles, the user file's
// path, size, mtime and inode): the file is regenerated, atomically, only
// when one changes, and when none did, deciding so costs a stat and one
// small read.

// iniSafeName matches identity names the shared config format can hold as
// a profile name (no spaces, brackets, comment or quote characters).
var iniSafeName = lazyre.New(`^` + profileName + `$`)

// profileName is the characters of a profile name every parser reads alike.
const profileName = `[A-Za-z0-9._/@+=:,-]+`

// ProfileNameOK reports whether an identity can be an AWS profile.
func ProfileNameOK(name string) bool { return iniSafeName.MatchString(name) }

// ManagedProfile reports whether an identity gets a managed AWS profile.
func ManagedProfile(e *config.Entry) bool {
	_, ok := e.Spec.(interface{ hasManagedProfile() })
	return ok && e.Role == config.RoleIdentity
}

// shQuote quotes for both sh -c (the Go SDK) and shlex (botocore).
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'" }

// ErrNotINISafe is wrapped when a path or name cannot be written into the
// managed AWS config file.
var ErrNotINISafe = config.Invalid(errors.New("cannot write an AWS profile"))

// iniArg quotes one word of the credential_process line. The line is an INI
// value first: the Go SDK cuts a value at " #", " ;", "\t#" or "\t;" (an
// inline comment), and every parser ends it at a line break. Inside
// shQuote's output every blank sits within single quotes, so closing and
// reopening the quote between the blank and the comment character (the word
// a, blank, quote, quote, #b reads as "a #b" to sh and to shlex) keeps the
// word whole for every reader. A line break cannot be carried: it is
// refused, since it would start a new INI line that a hostile directory
// name could fill with a profile of its own.
func iniArg(what, s string) (string, error) {
	if i := strings.IndexAny(s, "\n\r\x00"); i >= 0 {
		return "", fmt.Errorf("%w: %s %q contains a line break or NUL byte, which an AWS config file cannot hold: rename it", ErrNotINISafe, what, s)
	}
	q := shQuote(s)
	for _, blank := range []string{" ", "\t"} {
		for _, c := range []string{"#", ";"} {
			q = strings.ReplaceAll(q, blank+c, blank+"''"+c)
		}
	}
	return q, nil
}

const managedHeader = "# atmos-auth managed file, do not edit: "

// EnsureManagedAWSFiles writes the managed config and credentials files when
// missing or stale. exe is the absolute path of atmos-auth; getenv is the
// environment before the identity (os.Getenv when nil), which names the
// user's own AWS config file. Identities whose names cannot be profile
// names are skipped and returned.
func EnsureManagedAWSFiles(c *config.Config, d config.Dirs, exe string, getenv func(string) string) (skipped []string, err error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	f := ManagedAWSFiles(c, d)
	user := statUserConfig(userConfigPath(getenv, filepath.Join(d.Config, "aws")))
	managed := map[string]bool{}
	var body strings.Builder
	qexe, err := iniArg("the atmos-auth executable path", exe)
	if err != nil {
		return nil, err
	}
	global := []string{qexe}
	if c.AbsPath != "" {
		q, err := iniArg("the configuration path", c.AbsPath)
		if err != nil {
			return nil, err
		}
		global = append(global, "--config", q)
	}
	if len(c.Profiles) > 0 {
		q, err := iniArg("the profile list", strings.Join(c.Profiles, ","))
		if err != nil {
			return nil, err
		}
		global = append(global, "--profile", q)
	}
	for _, name := range c.IdentityOrder {
		e := c.Identities[name]
		if !ManagedProfile(e) {
			continue
		}
		if !ProfileNameOK(name) {
			skipped = append(skipped, name)
			continue
		}
		chain, cerr := c.Chain(name)
		if cerr != nil {
			continue
		}
		// The name is left unquoted (ProfileNameOK allows no shell
		// metacharacter): the Go SDK strips one pair of quotes around a
		// whole value, so the line must not end with a quote when it
		// starts with one.
		managed[name] = true
		args := append(append([]string{}, global...), "credential-process", "--identity", name)
		fmt.Fprintf(&body, "\n[profile %s]\ncredential_process = %s\n", name, strings.Join(args, " "))
		if r := AWSRegion(chain); r != "" {
			fmt.Fprintf(&body, "region = %s\n", r)
		}
	}
	sum := sha256.Sum256([]byte(body.String() + "\x00" + user.Path + "\x00" + user.Stamp))
	header := managedHeader + hex.EncodeToString(sum[:])[:24]
	if firstLine(f.Config) == header && firstLine(f.Credentials) != "" {
		return skipped, nil
	}
	if user.Stamp != "" {
		body.WriteString(userSections(user.Path, managed))
	}
	if err := auth.WriteFileAtomic(f.Config, []byte(header+"\n"+body.String())); err != nil {
		return skipped, fmt.Errorf("write %s: %w", f.Config, err)
	}
	creds := managedHeader + "no keys here: every managed profile uses credential_process\n"
	if err := auth.WriteFileAtomic(f.Credentials, []byte(creds)); err != nil {
		return skipped, fmt.Errorf("write %s: %w", f.Credentials, err)
	}
	return skipped, nil
}

func firstLine(path string) string {
	fh, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	if sc.Scan() {
		return sc.Text()
	}
	return ""
}

// prepareProfiles writes the managed AWS files (when stale) so that the
// AWS_PROFILE the environment exports resolves, and refuses an identity
// whose name cannot be a profile.
func prepareProfiles(c *auth.EnvContext) error {
	skipped, err := EnsureManagedAWSFiles(c.Config, c.Dirs, c.Executable, c.Getenv)
	if err != nil {
		return err
	}
	if name := c.Chain[0].Name; slices.Contains(skipped, name) {
		return config.Invalid(fmt.Errorf("identity %q cannot be an AWS profile name (use letters, digits and . _ / @ + = : , -)", name))
	}
	return nil
}

// credentialProcessOutput is AWS's credential_process answer.
type credentialProcessOutput struct {
	Version         int    `json:"Version"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	SessionToken    string `json:"SessionToken,omitempty"`
	Expiration      string `json:"Expiration,omitempty"`
}

func processOutput(c *auth.Credentials) ([]byte, error) {
	if c == nil || c.Type != CredAWS {
		return nil, fmt.Errorf("no AWS credentials to serve")
	}
	out := credentialProcessOutput{Version: 1}
	out.AccessKeyID, out.SecretAccessKey, out.SessionToken = keysOf(c)
	if !c.Expiration.IsZero() {
		out.Expiration = c.Expiration.UTC().Format(time.RFC3339)
	}
	b, err := json.Marshal(out)
	return append(b, '\n'), err
}
