package config

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// Validate checks everything and returns every problem at once (decode
// problems included) as a *ConfigError, or nil.
func (c *Config) Validate() error {
	d := &diags{list: append([]Diag(nil), c.decodeDiags...)}
	for _, name := range c.ProviderOrder {
		c.checkName(d, c.Providers[name])
		c.checkSpec(d, c.Providers[name])
	}
	for _, name := range c.IdentityOrder {
		e := c.Identities[name]
		c.checkName(d, e)
		c.checkSpec(d, e)
		c.checkVia(d, e)
	}
	for _, name := range c.IntegrationOrder {
		e := c.Integrations[name]
		c.checkName(d, e)
		c.checkSpec(d, e)
		c.checkIntegrationVia(d, e)
	}
	c.checkCycles(d)
	c.checkDefaults(d)
	c.dropAfterRefusedTags(d)
	c.checkRealm(d)
	c.checkCommon(d)
	c.nameUnsetEnv(d)
	return d.err()
}

// nameUnsetEnv adds to every problem with a value that came from !env NAME,
// with NAME unset or empty and no default, which variable it is: "is
// empty" alone sends the user looking at a file that says !env.
func (c *Config) nameUnsetEnv(d *diags) {
	for i, g := range d.list {
		name, ok := c.unsetEnv[g.Pos]
		if !ok {
			continue
		}
		d.list[i].Msg += ": !env " + name + " is not set (or is empty)"
		if d.list[i].Hint == "" {
			d.list[i].Hint = "set " + name + ", or give a default: !env " + name + " VALUE"
		}
	}
}

// checkDefaults reports every identity marked default: true when there is
// more than one, at each mark: no command could pick one of them, and
// validate must not pass a file every command then refuses.
func (c *Config) checkDefaults(d *diags) {
	defs := c.Defaults()
	if len(defs) < 2 {
		return
	}
	for _, n := range defs {
		c.checker(d, c.Identities[n]).Errf("default", "keep default: true on one identity",
			"default: true is set on %d identities (%s)", len(defs), strings.Join(defs, ", "))
	}
}

func (c *Config) checker(d *diags, e *Entry) *Checker {
	return &Checker{cfg: c, d: d, entry: e, subject: fmt.Sprintf("%s %q", e.Role, e.Name), fields: c.fields[e]}
}

// checkName refuses names that no one types but that a hostile
// repository can use against a terminal or a parser: control bytes (C0,
// DEL, C1 — escape sequences, line breaks) and invalid UTF-8. Names are
// printed by list, whoami, status and every error, and reach prompts, file
// names and completions.
func (c *Config) checkName(d *diags, e *Entry) {
	if NameOK(e.Name) {
		return
	}
	c.checker(d, e).Errf("", "use letters, digits and punctuation", "the name contains a control, format (bidi) or invalid character")
}

// NameOK reports whether a provider, identity or integration name prints
// as itself on a terminal: valid UTF-8 with no control, format (bidi) or
// unassigned character — the set termsafe would escape.
func NameOK(name string) bool { return termsafe.String(name) == name }

func (c *Config) checkSpec(d *diags, e *Entry) {
	if e.Spec == nil {
		return
	}
	if v, ok := e.Spec.(Validator); ok {
		v.Validate(c.checker(d, e))
	}
}

func (c *Config) checkVia(d *diags, e *Entry) {
	info, ok := c.Kinds.Kind(e.Kind)
	if !ok || e.Spec == nil {
		return
	}
	fc := c.checker(d, e)
	via := e.Via
	if info.Standalone {
		if via.Provider != "" || via.Identity != "" || fc.Has("via") {
			fc.Errf("via", "remove via: it is a standalone kind", "%s takes no via (it gets credentials on its own)", e.Kind)
		}
		return
	}
	switch {
	case via.Provider != "" && via.Identity != "":
		fc.Errf("via", "keep one of them", "via.provider and via.identity are both set")
		return
	case via.Provider == "" && via.Identity == "":
		fc.Errf("via", "set via.provider or via.identity", "missing via: %s needs a provider or an identity to chain from", e.Kind)
		return
	}
	if via.Provider != "" {
		p, ok := c.Providers[via.Provider]
		if !ok {
			fc.Errf("via.provider", c.NameHint(via.Provider, c.ProviderOrder, "providers"), "via.provider %q does not exist", via.Provider)
			return
		}
		c.checkAccepts(fc, "via.provider", info, p)
		return
	}
	b, ok := c.Identities[via.Identity]
	if !ok {
		fc.Errf("via.identity", c.NameHint(via.Identity, c.IdentityOrder, "identities"), "via.identity %q does not exist", via.Identity)
		return
	}
	if b != e { // self-reference is reported as a cycle
		if c.checkAccepts(fc, "via.identity", info, b) {
			if bc, ok := e.Spec.(BaseChecker); ok {
				bc.CheckBase(fc, b)
			}
		}
	}
}

// BaseChecker is implemented by kinds with rules about the identity they
// are chained from beyond the credential type (role chaining's 1h limit).
type BaseChecker interface {
	CheckBase(c *Checker, base *Entry)
}

// checkAccepts reports a base whose credentials the kind cannot use, and
// whether it can.
func (c *Config) checkAccepts(fc *Checker, path string, info *KindInfo, base *Entry) bool {
	bi, ok := c.Kinds.Kind(base.Kind)
	if !ok {
		return false // reported on the base itself
	}
	if slices.Contains(info.Accepts, bi.Produces) {
		return true
	}
	// Something in between would make it work (an SSO session needs a
	// permission set before a role can be assumed): say so, and name the
	// identities that already are that step.
	if msg, hint, ok := c.missingStep(info, base, bi); ok {
		fc.Errf(path, hint, "%s", msg)
		return false
	}
	// A base whose credentials only a few kinds use says which.
	if followers := c.kindsAccepting(bi.Produces); len(followers) > 0 && len(followers) <= 2 {
		fc.Errf(path, "chain "+article(followers[0].Role)+" of kind "+names(followers)+" from it",
			"%s %q is %s, which can only be followed by %s, not %s", base.Role, base.Name, base.Kind, names(followers), info.Name)
		return false
	}
	var want []string
	for _, a := range info.Accepts {
		want = append(want, c.Kinds.DescribeCred(a))
	}
	fc.Errf(path, "chain it from something that gives "+strings.Join(want, " or "),
		"%s cannot be chained from %s %q (%s gives %s)", info.Name, base.Role, base.Name, base.Kind, c.Kinds.DescribeCred(bi.Produces))
	return false
}

// missingStep explains a chain that needs one more step: a base whose
// credentials info cannot use, but which a kind in between turns into
// credentials it can (aws/iam-identity-center → aws/permission-set →
// aws/assume-role). Atmos accepts such a configuration and fails at login.
func (c *Config) missingStep(info *KindInfo, base *Entry, bi *KindInfo) (string, string, bool) {
	var mids []*KindInfo
	for _, k := range c.kindsAccepting(bi.Produces) {
		if k.Role == RoleIdentity && slices.Contains(info.Accepts, k.Produces) {
			mids = append(mids, k)
		}
	}
	if len(mids) == 0 {
		return "", "", false
	}
	msg := fmt.Sprintf("%s cannot be chained straight from %s %q: %s gives %s, not %s",
		info.Name, base.Role, base.Name, base.Kind, c.Kinds.DescribeCred(bi.Produces), c.Kinds.DescribeCred(mids[0].Produces))
	via := "via.provider"
	if base.Role == RoleIdentity {
		via = "via.identity"
	}
	var existing []string
	for _, n := range c.IdentityOrder {
		e := c.Identities[n]
		for _, m := range mids {
			if e.Kind == m.Name && ((base.Role == RoleProvider && e.Via.Provider == base.Name) || (base.Role == RoleIdentity && e.Via.Identity == base.Name)) {
				existing = append(existing, n)
			}
		}
	}
	var hint string
	if len(existing) > 0 {
		hint = fmt.Sprintf("chain it from %s first: set via.identity to %s", names(mids), strings.Join(quoteAll(existing), " or "))
	} else {
		hint = fmt.Sprintf("chain it from %s first: add an identity of kind %s with %s: %s, and set via.identity here to it", names(mids), names(mids), via, base.Name)
	}
	return msg, hint, true
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// kindsAccepting lists the kinds that can be chained from credentials of
// type cred, sorted by name.
func (c *Config) kindsAccepting(cred string) []*KindInfo {
	var out []*KindInfo
	for _, k := range c.Kinds.Kinds() {
		if slices.Contains(k.Accepts, cred) {
			out = append(out, k)
		}
	}
	return out
}

func names(kinds []*KindInfo) string {
	var n []string
	for _, k := range kinds {
		n = append(n, k.Name)
	}
	return strings.Join(n, " or ")
}

// NameHint suggests a near name, or lists the defined ones.
func (c *Config) NameHint(name string, names []string, what string) string {
	if m := suggest(name, names); m != "" {
		return fmt.Sprintf("did you mean %q?", m)
	}
	if len(names) == 0 {
		return "no " + what + " are defined"
	}
	if len(names) <= 8 {
		return "defined " + what + ": " + strings.Join(names, ", ")
	}
	return "run `atmos-auth list` to see the " + what
}

func (c *Config) checkIntegrationVia(d *diags, e *Entry) {
	info, ok := c.Kinds.Kind(e.Kind)
	if !ok || e.Spec == nil {
		return
	}
	fc := c.checker(d, e)
	if e.Via.Provider != "" {
		fc.Errf("via.provider", "use via.identity", "an integration runs with an identity, not a provider")
		return
	}
	if e.Via.Identity == "" {
		fc.Errf("via", "set via.identity", "missing via.identity: the identity that logs in to the registry")
		return
	}
	b, ok := c.Identities[e.Via.Identity]
	if !ok {
		fc.Errf("via.identity", c.NameHint(e.Via.Identity, c.IdentityOrder, "identities"), "via.identity %q does not exist", e.Via.Identity)
		return
	}
	c.checkAccepts(fc, "via.identity", info, b)
}

// checkCycles reports every circular via.identity chain once.
func (c *Config) checkCycles(d *diags) {
	const (
		unseen = iota
		active
		done
	)
	state := make(map[string]int, len(c.Identities))
	reported := map[string]bool{}
	for _, start := range c.IdentityOrder {
		if state[start] != unseen {
			continue
		}
		// Walk the single via.identity path from start (each identity has
		// at most one parent, so the graph is a functional graph).
		var path []string
		cur := start
		for {
			st := state[cur]
			if st == done {
				break
			}
			if st == active {
				i := indexOf(path, cur)
				cycle := append(append([]string(nil), path[i:]...), cur)
				key := canonicalCycle(cycle[:len(cycle)-1])
				if !reported[key] {
					reported[key] = true
					e := c.Identities[cur]
					fc := c.checker(d, e)
					fc.Errf("via.identity", "break the loop by chaining one of them from a provider",
						"circular chain: %s", strings.Join(cycle, " ← "))
				}
				break
			}
			state[cur] = active
			path = append(path, cur)
			next := c.Identities[cur].Via.Identity
			if next == "" || c.Identities[next] == nil {
				break
			}
			cur = next
		}
		for _, p := range path {
			state[p] = done
		}
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func canonicalCycle(c []string) string {
	s := append([]string(nil), c...)
	sort.Strings(s)
	return strings.Join(s, "\x00")
}

// Chain returns the chain of an identity from the identity itself to its
// root: identities, then the provider (absent for standalone kinds).
//
// A chain is resolved once per Config: later calls return the same slice
// (callers must not modify it). Identities added later (provisioned ones)
// never change an existing chain.
func (c *Config) Chain(identity string) ([]*Entry, error) {
	c.chainMu.Lock()
	defer c.chainMu.Unlock()
	if ch, ok := c.chains[identity]; ok {
		return ch, nil
	}
	ch, err := c.resolveChain(identity)
	if err == nil {
		if c.chains == nil {
			c.chains = map[string][]*Entry{}
		}
		c.chains[identity] = ch
	}
	return ch, err
}

func (c *Config) resolveChain(identity string) ([]*Entry, error) {
	e, ok := c.Identities[identity]
	if !ok {
		return nil, fmt.Errorf("identity %q does not exist (%s)", identity, c.NameHint(identity, c.IdentityOrder, "identities"))
	}
	var chain []*Entry
	seen := map[string]bool{}
	for e != nil {
		if seen[e.Name] {
			return nil, fmt.Errorf("identity %q: circular chain through %q", identity, e.Name)
		}
		seen[e.Name] = true
		chain = append(chain, e)
		switch {
		case e.Via.Identity != "":
			next, ok := c.Identities[e.Via.Identity]
			if !ok {
				return nil, fmt.Errorf("identity %q: via.identity %q does not exist", e.Name, e.Via.Identity)
			}
			e = next
		case e.Via.Provider != "":
			p, ok := c.Providers[e.Via.Provider]
			if !ok {
				return nil, fmt.Errorf("identity %q: via.provider %q does not exist", e.Name, e.Via.Provider)
			}
			chain = append(chain, p)
			e = nil
		default:
			e = nil
		}
	}
	return chain, nil
}

// ChainString renders a chain as "prod-admin ← base-admin ← company-sso".
func ChainString(chain []*Entry) string {
	names := make([]string, len(chain))
	for i, e := range chain {
		names[i] = e.Name
	}
	return strings.Join(names, " ← ")
}

// Defaults returns the identities marked default: true, in file order.
func (c *Config) Defaults() []string {
	var out []string
	for _, n := range c.IdentityOrder {
		if c.Identities[n].Default {
			out = append(out, n)
		}
	}
	return out
}
