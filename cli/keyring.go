package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/atmos-auth/atmos-auth/config"
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
	Source    string `json:"source"`
	Backend   string `json:"backend"`
	Location  string `json:"location,omitempty"`
	Reachable bool   `json:"reachable"`
	Entries   int    `json:"entries"`
	Password  string `json:"password,omitempty"`
	Error     string `json:"error,omitempty"`
}

func (c *KeyringCmd) Run(g *Globals) error {
	cfg, err := g.keyringConfig()
	if err != nil {
		return err
	}
	var kc config.KeyringConfig
	source := "default"
	if cfg != nil {
		kc = cfg.Keyring
		if kc.Type != "" {
			source = "auth.keyring.type in " + cfg.Path
		}
	}
	if c.Backend != "" {
		kc.Spec.Backend = c.Backend
	}
	o := keyringOptions(g, kc.Type, kc.Spec)
	if c.Path != "" { // an explicit flag beats ATMOS_KEYRING_FILE_PATH
		o.FileDir = c.Path
	}
	if g.Getenv != nil && g.Getenv(keyring.EnvType) != "" {
		source = keyring.EnvType
	}
	if c.Type != "" { // an explicit flag beats ATMOS_KEYRING_TYPE
		o.Type, source = c.Type, "--type"
	}
	canPrompt := o.Prompt != nil
	o.Prompt = nil // diagnostics never prompt
	r := keyringReport{Type: o.Type, Source: source, Backend: "none"}
	pwSet := true
	if o.Type == keyring.TypeFile {
		r.Backend = keyring.TypeFile
		pwEnv := o.PasswordEnv
		if pwEnv == "" {
			pwEnv = keyring.DefaultPasswordEnv
		}
		switch {
		case o.Getenv(pwEnv) != "":
			r.Password = "set in " + pwEnv
		case canPrompt:
			pwSet = false
			r.Password = "not set (" + pwEnv + "); it will be asked on this terminal"
		default:
			r.Password = "not set (" + pwEnv + ") and no terminal to ask on"
		}
	}
	s, err := keyring.Open(o)
	if err == nil {
		r.Backend = s.Backend()
		r.Location = keyring.Location(s)
		var ks []string
		ks, err = s.List(keyring.KeyPrefix)
		r.Entries = len(ks)
		if err == nil {
			r.Reachable = true
			// The file keyring: is its password there, and right? (Never
			// asked here: with a terminal it is checked when used.)
			if pwSet {
				err = keyring.Unlock(s)
			}
		}
	}
	if err != nil {
		r.Error = err.Error()
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
	if r.Error != "" {
		if c.Format == "json" {
			fmt.Fprintf(g.Stderr, "atmos-auth: %s\n", r.Error)
		}
		return &ExitError{Code: ExitFailure}
	}
	return nil
}

// keyringConfig loads the configuration for the keyring command: none found
// is fine (then flags and the environment decide); a broken file, or a
// problem in auth.keyring, is a configuration error (exit 2). Problems
// elsewhere in the file do not stop a keyring diagnosis.
func (g *Globals) keyringConfig() (*config.Config, error) {
	cfg, err := g.LoadConfig()
	if err != nil {
		if errors.Is(err, config.ErrNoConfig) {
			return nil, nil
		}
		return nil, err
	}
	var ds []config.Diag
	for _, d := range cfg.DecodeProblems() {
		if d.Subject == "auth.keyring" {
			ds = append(ds, d)
		}
	}
	if len(ds) > 0 {
		return nil, ConfigErr(&config.ConfigError{Diags: ds})
	}
	return cfg, nil
}

// OpenKeyring opens the credential store that cfg's auth.keyring selects,
// with ATMOS_KEYRING_TYPE over auth.keyring.type over system; cfg may be nil
// (the environment and defaults decide). The file keyring's password comes
// from its variable, else is asked on a terminal outside CI. Opening checks
// that the store answers (within keyring.DefaultTimeout) and fails with an
// error naming the backend and how to choose another; it never falls back.
func (g *Globals) OpenKeyring(cfg *config.Config) (keyring.Store, error) {
	var kc config.KeyringConfig
	if cfg != nil {
		kc = cfg.Keyring
	}
	return keyring.Open(keyringOptions(g, kc.Type, kc.Spec))
}

func writeKeyringReport(w io.Writer, r keyringReport) {
	fmt.Fprintf(w, "type: %s (from %s)\nbackend: %s\n", r.Type, r.Source, r.Backend)
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
	}
	if r.Error != "" {
		fmt.Fprintf(w, "error: %s\n", r.Error)
	}
}

// keyringOptions maps auth.keyring (type and spec) and the environment to
// keyring.Options: ATMOS_KEYRING_TYPE over cfgType over system. The
// password prompt is offered only on a terminal outside CI.
func keyringOptions(g *Globals, cfgType string, spec config.KeyringSpec) keyring.Options {
	getenv := g.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	dir, pwEnv := keyring.FileSettings(spec.Path, spec.PasswordEnv, getenv)
	o := keyring.Options{
		Type:        keyring.Resolve(cfgType, getenv),
		Backend:     spec.Backend,
		FileDir:     dir.Value,
		PasswordEnv: pwEnv.Value,
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
