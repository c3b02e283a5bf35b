package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/atmos-auth/atmos-auth/engine"
	"github.com/atmos-auth/atmos-auth/keyring"
)

// KeyringCmd is `atmos-auth keyring`: diagnostics for the credential store.
// It shows which backend is in use, whether it answers and how many
// atmos-auth entries it holds; never a value, and it never asks for the file
// keyring's password (listing needs none).
type KeyringCmd struct {
	Type    string `name:"type" placeholder:"TYPE" enum:",system,file,memory" default:"" help:"Keyring type to check: system, file or memory (default: ATMOS_KEYRING_TYPE, then auth.keyring.type, then system)."`
	Backend string `name:"backend" placeholder:"NAME" help:"Narrow system to one store: secret-service, kwallet, keyctl, pass, keychain, wincred."`
	Path    string `name:"path" placeholder:"DIR" help:"File keyring directory (default $ATMOS_XDG_DATA_HOME or $XDG_DATA_HOME or ~/.local/share, then /atmos/keyring)."`
	Format  string `name:"format" enum:"text,json" default:"text" help:"Output format: text or json."`
}

// keyringReport is the diagnostics payload; it holds no secret.
type keyringReport struct {
	Type      string `json:"type"`
	Backend   string `json:"backend"`
	Location  string `json:"location,omitempty"`
	Reachable bool   `json:"reachable"`
	Entries   int    `json:"entries"`
	Password  string `json:"password,omitempty"`
	Error     string `json:"error,omitempty"`
}

func (c *KeyringCmd) Run(g *Globals) error {
	// The loaded configuration's auth.keyring will be passed here once
	// commands load it; for now flags and ATMOS_KEYRING_TYPE decide.
	o := keyringOptions(g, "", engine.KeyringSpec{Path: c.Path, Backend: c.Backend})
	if c.Type != "" { // an explicit flag beats ATMOS_KEYRING_TYPE
		o.Type = c.Type
	}
	o.Prompt = nil // diagnostics never prompt
	r := keyringReport{Type: o.Type, Backend: "none"}
	if o.Type == keyring.TypeFile {
		r.Backend = keyring.TypeFile
		pwEnv := o.PasswordEnv
		if pwEnv == "" {
			pwEnv = keyring.DefaultPasswordEnv
		}
		if o.Getenv(pwEnv) != "" {
			r.Password = "set in " + pwEnv
		} else {
			r.Password = "not set (" + pwEnv + "); it will be asked on a terminal"
		}
	}
	s, err := keyring.Open(o)
	if err == nil {
		r.Backend = s.Backend()
		r.Location = keyring.Location(s)
		var ks []string
		ks, err = s.List(keyring.KeyPrefix)
		r.Entries = len(ks)
	}
	if err != nil {
		r.Error = err.Error()
	} else {
		r.Reachable = true
	}
	if c.Format == "json" {
		enc := json.NewEncoder(g.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		writeKeyringReport(g.Stdout, r)
	}
	if !r.Reachable {
		if c.Format == "json" {
			fmt.Fprintf(g.Stderr, "atmos-auth: %s\n", r.Error)
		}
		return &ExitError{Code: ExitFailure}
	}
	return nil
}

func writeKeyringReport(w io.Writer, r keyringReport) {
	fmt.Fprintf(w, "type: %s\nbackend: %s\n", r.Type, r.Backend)
	if r.Location != "" {
		fmt.Fprintf(w, "location: %s\n", r.Location)
	}
	if r.Password != "" {
		fmt.Fprintf(w, "password: %s\n", r.Password)
	}
	yes := "no"
	if r.Reachable {
		yes = "yes"
	}
	fmt.Fprintf(w, "reachable: %s\n", yes)
	if r.Reachable {
		fmt.Fprintf(w, "entries: %d\n", r.Entries)
	} else {
		fmt.Fprintf(w, "error: %s\n", r.Error)
	}
}

// keyringOptions maps auth.keyring (type and spec) and the environment to
// keyring.Options: ATMOS_KEYRING_TYPE over cfgType over system. The
// password prompt is offered only on a terminal outside CI.
func keyringOptions(g *Globals, cfgType string, spec engine.KeyringSpec) keyring.Options {
	getenv := g.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	o := keyring.Options{
		Type:        keyring.Resolve(cfgType, getenv),
		Backend:     spec.Backend,
		FileDir:     spec.Path,
		PasswordEnv: spec.PasswordEnv,
		Getenv:      getenv,
	}
	if f, ok := g.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) && !inCI(getenv) {
		o.Prompt = func(prompt string) (string, error) {
			fmt.Fprint(g.Stderr, prompt)
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(g.Stderr)
			return string(b), err
		}
	}
	return o
}

func inCI(getenv func(string) string) bool {
	v := getenv("CI")
	return v != "" && v != "false" && v != "0"
}
