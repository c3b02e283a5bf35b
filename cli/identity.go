package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/atmos-auth/atmos-auth/config"
)

// ErrDisabled is returned by ResolveIdentity when the user turned atmos-auth
// off (--identity=false or ATMOS_IDENTITY=false): native credentials pass.
var ErrDisabled = fmt.Errorf("atmos-auth is disabled by --identity/ATMOS_IDENTITY")

// ResolveIdentity picks the identity to use: the flag (kong already folds in
// ATMOS_IDENTITY), then the one identity marked default: true, then the
// selector on a terminal outside CI, else a clear error.
func (g *Globals) ResolveIdentity(cfg *config.Config) (string, error) {
	v := g.Identity
	if Disabled(v) {
		return "", ErrDisabled
	}
	if v == IdentitySelect {
		return g.selectIdentity(cfg, cfg.IdentityOrder, "")
	}
	if v != "" {
		if _, ok := cfg.Identities[v]; !ok {
			_, err := cfg.Chain(v)
			return "", ConfigErr(err)
		}
		return v, nil
	}
	// Validation refuses several default: true identities: at most one.
	if defs := cfg.Defaults(); len(defs) == 1 {
		return defs[0], nil
	}
	return g.selectIdentity(cfg, cfg.IdentityOrder, "no identity given and none is marked default: true")
}

func (g *Globals) selectIdentity(cfg *config.Config, names []string, why string) (string, error) {
	if len(names) == 0 {
		return "", Configf("no identities are configured (add some under auth.identities in %s)", cfg.Path)
	}
	if !g.interactive() {
		if why == "" {
			why = "an identity selector needs a terminal"
		}
		return "", Configf("%s; choose one with --identity NAME or ATMOS_IDENTITY (identities: %s)", why, listNames(names))
	}
	// interactive: both are terminals.
	return selectOnTerminal(g.Stdin.(*os.File), g.Stderr, "Choose an identity", names)
}

func listNames(names []string) string {
	if len(names) > 20 {
		return strings.Join(names[:20], ", ") + fmt.Sprintf(", … (%d more; see `atmos-auth list`)", len(names)-20)
	}
	return strings.Join(names, ", ")
}

// promptChoice is a small numbered selector that also accepts a name or a
// unique prefix.
func promptChoice(in io.Reader, out io.Writer, title string, names []string) (string, error) {
	r := bufio.NewReader(in)
	for attempt := 0; attempt < 3; attempt++ {
		fmt.Fprintf(out, "%s:\n", title)
		for i, n := range names {
			fmt.Fprintf(out, "  %2d) %s\n", i+1, n)
		}
		fmt.Fprint(out, "> ")
		line, err := r.ReadString('\n')
		line = strings.TrimSpace(line)
		if line == "" && err != nil {
			return "", Configf("no identity chosen")
		}
		if i, e := strconv.Atoi(line); e == nil && i >= 1 && i <= len(names) {
			return names[i-1], nil
		}
		var match []string
		for _, n := range names {
			if n == line {
				return n, nil
			}
			if strings.HasPrefix(n, line) {
				match = append(match, n)
			}
		}
		if len(match) == 1 {
			return match[0], nil
		}
		fmt.Fprintf(out, "%q matches %d identities; type a number or a full name\n", line, len(match))
	}
	return "", Configf("no identity chosen")
}
