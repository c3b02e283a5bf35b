package engine

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
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
// shell never holds stale keys. The first line is a hash of the content's
// inputs (identities, regions, executable, config path, profiles): the file
// is regenerated, atomically, only when it changes.

// iniSafeName matches identity names the shared config format can hold as
// a profile name (no spaces, brackets, comment or quote characters).
var iniSafeName = regexp.MustCompile(`^[A-Za-z0-9._/@+=:,-]+$`)

// ProfileNameOK reports whether an identity can be an AWS profile.
func ProfileNameOK(name string) bool { return iniSafeName.MatchString(name) }

// ManagedProfile reports whether an identity gets a managed AWS profile.
func ManagedProfile(e *Entry) bool {
	k, ok := kindRegistry[e.Kind]
	return ok && e.Role == RoleIdentity && k.Cloud == "aws" && k.Produces == CredAWS && e.Kind != "aws/ambient"
}

// shQuote quotes for both sh -c (the Go SDK) and shlex (botocore).
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'" }

const managedHeader = "# atmos-auth managed file, do not edit: "

// EnsureManagedAWSFiles writes the managed config and credentials files when
// missing or stale. exe is the absolute path of atmos-auth. Identities whose
// names cannot be profile names are skipped and returned.
func EnsureManagedAWSFiles(c *Config, d Dirs, exe string) (skipped []string, err error) {
	f := ManagedAWSFiles(c, d)
	var body strings.Builder
	var global []string
	if c.AbsPath != "" {
		global = append(global, "--config", shQuote(c.AbsPath))
	}
	if len(c.Profiles) > 0 {
		global = append(global, "--profile", shQuote(strings.Join(c.Profiles, ",")))
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
		args := append([]string{shQuote(exe)}, global...)
		args = append(args, "credential-process", "--identity", shQuote(name))
		fmt.Fprintf(&body, "\n[profile %s]\ncredential_process = %s\n", name, strings.Join(args, " "))
		if r := AWSRegion(chain); r != "" {
			fmt.Fprintf(&body, "region = %s\n", r)
		}
	}
	sum := sha256.Sum256([]byte(body.String()))
	header := managedHeader + hex.EncodeToString(sum[:])[:24]
	if firstLine(f.Config) == header && firstLine(f.Credentials) != "" {
		return skipped, nil
	}
	if err := writeFileAtomic(f.Config, []byte(header+"\n"+body.String())); err != nil {
		return skipped, fmt.Errorf("write %s: %w", f.Config, err)
	}
	creds := managedHeader + "no keys here: every managed profile uses credential_process\n"
	if err := writeFileAtomic(f.Credentials, []byte(creds)); err != nil {
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
