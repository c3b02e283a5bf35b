package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/keyring"
)

// UserCmd manages aws/user identities.
type UserCmd struct {
	Configure UserConfigureCmd `cmd:"" help:"Store an aws/user identity's access keys, or the username and password of the aws/saml provider an identity comes from, in the keyring for this project (read from the terminal or stdin)."`
	Remove    UserRemoveCmd    `cmd:"" help:"Remove an aws/user identity's keys of this project (and an unscoped entry of an older version) from the keyring."`
}

// UserConfigureCmd reads the access key id, the secret (hidden on a
// terminal) and an optional MFA ARN, one per line, and stores them.
type UserConfigureCmd struct{}

// UserRemoveCmd removes stored keys.
type UserRemoveCmd struct{}

// keyStore resolves the identity and its KeyStore capability.
func (g *Globals) keyStore() (*Session, *auth.Step, auth.KeyStore, error) {
	s, err := g.session(authOpts{})
	if err != nil {
		return nil, nil, nil, err
	}
	chain, err := s.Identity()
	if err != nil {
		return nil, nil, nil, err
	}
	// The identity's own keys (aws/user), else those of the step it comes
	// from that keeps some (an aws/saml provider's username and password).
	for i, e := range chain {
		if ks, ok := e.Spec.(auth.KeyStore); ok {
			return s, &auth.Step{Auth: s.Auth, Chain: chain[i:]}, ks, nil
		}
	}
	return nil, nil, nil, Configf("identity %q is %s, which stores no keys (aws/user does, and aws/saml providers keep a username and password)", chain[0].Name, chain[0].Kind)
}

func (c *UserConfigureCmd) Run(g *Globals) error {
	s, st, store, err := g.keyStore()
	if err != nil {
		return err
	}
	name := st.Name()
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
	values := map[string]string{}
	for _, fld := range store.SecretFields() {
		prompt := fld.Prompt + ": "
		if fld.Optional {
			prompt = fld.Prompt + " (optional): "
		}
		v, err := read(prompt, fld.Hidden)
		if !fld.Optional && (err != nil || v == "") {
			return Configf("no %s given", fld.Prompt)
		}
		values[fld.Name] = v
	}
	ks, err := s.Auth.Keyring()
	if err != nil {
		return authErr(err)
	}
	key, env, err := store.StoredKeys(st, values)
	if err != nil {
		return ConfigErr(err)
	}
	if err := ks.Set(key, env); err != nil {
		return authErr(err)
	}
	fmt.Fprintf(g.Stdout, "stored the keys of %s in the %s keyring (for this project only)\n", name, ks.Backend())
	for _, old := range store.KeyringKeys(st)[1:] {
		if _, err := ks.Get(old); err == nil {
			fmt.Fprintf(g.Stderr, "atmos-auth: an unscoped entry for %s stored by an older version is no longer used; `atmos-auth user remove -i %s` deletes it (and this project's keys)\n", name, name)
			break
		}
	}
	return nil
}

func (c *UserRemoveCmd) Run(g *Globals) error {
	s, st, store, err := g.keyStore()
	if err != nil {
		return err
	}
	name := st.Name()
	ks, err := s.Auth.Keyring()
	if err != nil {
		return authErr(err)
	}
	removed := false
	for _, key := range store.KeyringKeys(st) {
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
