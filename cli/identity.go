package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/atmos-auth/atmos-auth/config"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// ErrDisabled is returned by ResolveIdentity when the user turned atmos-auth
// off (--identity=false or ATMOS_IDENTITY=false): native credentials pass.
var ErrDisabled = fmt.Errorf("atmos-auth is disabled by --identity/ATMOS_IDENTITY")

// ResolveIdentity picks the identity to use: the flag (kong already folds in
// ATMOS_IDENTITY; a name or an alias), then --tags (one match is it,
// several open the selector among them on a terminal), then the one
// identity marked default: true, then the selector on a terminal outside
// CI, else a clear error.
func (g *Globals) ResolveIdentity(cfg *config.Config) (string, error) {
	v := g.Identity
	if Disabled(v) {
		return "", ErrDisabled
	}
	if len(g.Tags) > 0 {
		return g.identityByTags(cfg, v)
	}
	if v == IdentitySelect {
		return g.selectIdentity(cfg, cfg.IdentityOrder, "")
	}
	if v != "" {
		return identityNamed(cfg, v)
	}
	// Validation refuses several default: true identities: at most one.
	if defs := cfg.Defaults(); len(defs) == 1 {
		return defs[0], nil
	}
	return g.selectIdentity(cfg, cfg.IdentityOrder, "no identity given and none is marked default: true")
}

// identityNamed is the identity a name or an alias names (validation
// keeps aliases distinct from every name and alias).
func identityNamed(cfg *config.Config, v string) (string, error) {
	if _, ok := cfg.Identities[v]; ok {
		return v, nil
	}
	if n := cfg.ByAlias(v); n != "" {
		return n, nil
	}
	_, err := cfg.Chain(v)
	return "", ConfigErr(err)
}

// identityByTags picks among the identities with one of g.Tags: an
// identity also named (-i, ATMOS_IDENTITY) must be one of them.
func (g *Globals) identityByTags(cfg *config.Config, named string) (string, error) {
	var match []string
	for _, n := range cfg.IdentityOrder {
		if cfg.Identities[n].HasTag(g.Tags) {
			match = append(match, n)
		}
	}
	tags := strings.Join(g.Tags, ",")
	if len(match) == 0 {
		return "", noTagMatch(cfg, "identity", g.Tags)
	}
	if named != "" && named != IdentitySelect {
		n, err := identityNamed(cfg, named)
		if err != nil {
			return "", err
		}
		if !slices.Contains(match, n) {
			return "", Configf("identity %s does not have tag %s (identities with it: %s)", n, tags, listNames(match))
		}
		return n, nil
	}
	if len(match) == 1 {
		return match[0], nil
	}
	return g.selectIdentity(cfg, match, fmt.Sprintf("--tags %s matches %d identities", tags, len(match)))
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
	aliases := map[string]string{}
	for _, n := range names {
		if a := cfg.Identities[n].Alias; a != "" {
			aliases[n] = a
		}
	}
	if in, ok := g.Stdin.(*os.File); ok {
		return selectOnTerminal(in, g.Stderr, "Choose an identity", names, aliases)
	}
	return promptChoice(g.Stdin, g.Stderr, "Choose an identity", names, aliases)
}

func listNames(names []string) string {
	if len(names) > 20 {
		return strings.Join(names[:20], ", ") + fmt.Sprintf(", … (%d more; see `atmos-auth list`)", len(names)-20)
	}
	return strings.Join(names, ", ")
}

// promptChoice is a small numbered selector that also accepts a name or a
// unique prefix.
func promptChoice(in io.Reader, out io.Writer, title string, names []string, aliases map[string]string) (string, error) {
	r := bufio.NewReader(in)
	for attempt := 0; attempt < 3; attempt++ {
		fmt.Fprintf(out, "%s:\n", title)
		for i, n := range names {
			if a := aliases[n]; a != "" {
				fmt.Fprintf(out, "  %2d) %s (%s)\n", i+1, termsafe.String(n), termsafe.String(a))
				continue
			}
			fmt.Fprintf(out, "  %2d) %s\n", i+1, termsafe.String(n))
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
			if n == line || aliases[n] == line {
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
