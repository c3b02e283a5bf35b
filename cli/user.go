package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/engine"
	"github.com/atmos-auth/atmos-auth/keyring"
)

// UserCmd manages aws/user identities.
type UserCmd struct {
	Configure UserConfigureCmd `cmd:"" help:"Store an aws/user identity's access keys in the keyring for this project (read from the terminal or stdin)."`
	Remove    UserRemoveCmd    `cmd:"" help:"Remove an aws/user identity's keys of this project (and an unscoped entry of an older version) from the keyring."`
}

// UserConfigureCmd reads the access key id, the secret (hidden on a
// terminal) and an optional MFA ARN, one per line, and stores them.
type UserConfigureCmd struct{}

// UserRemoveCmd removes stored keys.
type UserRemoveCmd struct{}

func (g *Globals) awsUser() (*config.Config, string, error) {
	cfg, _, err := g.loadAuthConfig()
	if err != nil {
		return nil, "", err
	}
	name, err := g.ResolveIdentity(cfg)
	if err != nil {
		return nil, "", err
	}
	if k := cfg.Identities[name].Kind; k != "aws/user" {
		return nil, "", Configf("identity %q is %s, not aws/user", name, k)
	}
	return cfg, name, nil
}

func (c *UserConfigureCmd) Run(g *Globals) error {
	cfg, name, err := g.awsUser()
	if err != nil {
		return err
	}
	in := bufio.NewReader(g.Stdin)
	f, tty := g.Stdin.(*os.File)
	tty = tty && term.IsTerminal(int(f.Fd()))
	read := func(prompt string, secret bool) (string, error) {
		fmt.Fprint(g.Stderr, prompt)
		if secret && tty {
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(g.Stderr)
			return strings.TrimSpace(string(b)), err
		}
		line, err := in.ReadString('\n')
		if !tty {
			fmt.Fprintln(g.Stderr)
		}
		if line != "" {
			err = nil
		}
		return strings.TrimSpace(line), err
	}
	akid, err := read("AWS access key id: ", false)
	if err != nil || akid == "" {
		return Configf("no access key id given")
	}
	secret, err := read("AWS secret access key: ", true)
	if err != nil || secret == "" {
		return Configf("no secret access key given")
	}
	mfa, _ := read("MFA device ARN (optional): ", false)
	ks, err := g.OpenKeyring(cfg)
	if err != nil {
		return authErr(err)
	}
	env, err := engine.NewUserKeys(cfg, name, g.Getenv, akid, secret, mfa)
	if err != nil {
		return ConfigErr(err)
	}
	if err := ks.Set(engine.UserKeysKey(cfg, name), env); err != nil {
		return authErr(err)
	}
	fmt.Fprintf(g.Stdout, "stored the keys of %s in the %s keyring (for this project only)\n", name, ks.Backend())
	if _, err := ks.Get(engine.LegacyUserKeysKey(name)); err == nil {
		fmt.Fprintf(g.Stderr, "atmos-auth: an unscoped entry for %s stored by an older version is no longer used; `atmos-auth user remove -i %s` deletes it (and this project's keys)\n", name, name)
	}
	return nil
}

func (c *UserRemoveCmd) Run(g *Globals) error {
	cfg, name, err := g.awsUser()
	if err != nil {
		return err
	}
	ks, err := g.OpenKeyring(cfg)
	if err != nil {
		return authErr(err)
	}
	removed := false
	for _, key := range []string{engine.UserKeysKey(cfg, name), engine.LegacyUserKeysKey(name)} {
		if _, err := ks.Get(key); errors.Is(err, keyring.ErrNotFound) {
			continue
		}
		if err := ks.Remove(key); err != nil {
			return authErr(err)
		}
		removed = true
	}
	if !removed {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("no keys of %s are stored for this project", name)}
	}
	fmt.Fprintf(g.Stdout, "removed the keys of %s\n", name)
	return nil
}
