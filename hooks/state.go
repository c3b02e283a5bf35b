package hooks

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/atmos-auth/atmos-auth/environ"
)

// State is what the hook remembers between prompts, in a shell variable
// that is NOT exported (_atmos_auth_state and its per-shell spellings): the
// identity file in effect and, for every variable the identity touched, the
// value it had before (or that it was absent) and a hash of what the
// identity put there. It is passed to the hook process in the environment
// of that one process only, so the saved values (which may be ambient
// credentials the identity cleared) never reach other programs.
type State struct {
	File     string     `json:"f,omitempty"`
	Identity string     `json:"i,omitempty"`
	Vars     []SavedVar `json:"v,omitempty"`
	// Aside is the identity the user chose explicitly, for which the hook
	// stood aside (and said so once).
	Aside string `json:"x,omitempty"`
}

// SavedVar is one variable the identity set or cleared.
type SavedVar struct {
	Name string `json:"n"`
	// Orig is the value before the identity (nil when it was absent).
	Orig *[]byte `json:"o,omitempty"`
	// Applied is hash(value) the identity set, "" when it cleared it.
	Applied string `json:"a,omitempty"`
	// Lost is set in a state inherited from a parent shell (see
	// LoadedVar) when the variable had a value before the identity: the
	// value itself is not handed down, so this shell removes the variable
	// instead of restoring it.
	Lost bool `json:"l,omitempty"`
}

// LoadedVar is the exported part of the hook's state: which identity file
// and identity the hook applied, and for each variable it touched the
// hash of what it put there and whether the variable had a value before —
// never the value itself (it may be an ambient credential the identity
// cleared). A shell started from a hooked one inherits it with the
// identity's variables, and its own hook uses it as its previous state, so
// that leaving the tree there unloads what the parent loaded.
const LoadedVar = "ATMOS_AUTH_HOOK_LOADED"

// Inheritable is the encoded state a child shell may see: s without the
// saved values.
func (s *State) Inheritable() string {
	if s == nil || s.File == "" {
		return ""
	}
	t := &State{File: s.File, Identity: s.Identity}
	for _, v := range s.Vars {
		if v.Name == LoadedVar {
			continue
		}
		t.Vars = append(t.Vars, SavedVar{Name: v.Name, Applied: v.Applied, Lost: v.Orig != nil || v.Lost})
	}
	return t.Encode()
}

// inherited is the state a shell without a state of its own takes over
// from LoadedVar in its environment (nil when there is none to take).
func inherited(env map[string]string) (*State, error) {
	tok := env[LoadedVar]
	if tok == "" {
		return nil, nil
	}
	s, err := DecodeState(tok)
	if err != nil {
		return nil, err
	}
	for i := range s.Vars {
		s.Vars[i].Orig = nil // never handed down; Lost says it existed
	}
	// The variable itself is the parent's: always removed on leaving.
	s.Vars = append(s.Vars, SavedVar{Name: LoadedVar, Applied: valueHash(tok)})
	return s, nil
}

// valueHash identifies a value without storing it.
func valueHash(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:12])
}

// Encode returns the state as a shell-safe token ([A-Za-z0-9_-]).
func (s *State) Encode() string {
	if s == nil || (s.File == "" && len(s.Vars) == 0 && s.Aside == "") {
		return ""
	}
	b, _ := json.Marshal(s)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeState parses an encoded state; "" is the empty state.
func DecodeState(tok string) (*State, error) {
	s := &State{}
	if tok == "" {
		return s, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return s, fmt.Errorf("hook state is corrupt: %w", err)
	}
	if err := json.Unmarshal(b, s); err != nil {
		return &State{}, fmt.Errorf("hook state is corrupt: %w", err)
	}
	return s, nil
}

// Restore returns the environment as it would be without the identity of
// s: every variable the identity touched and that still holds what the
// identity put there (or is still absent, when it cleared it) gets its
// previous value back, or is removed when it was absent. A variable the
// user changed since is left as the user set it. cur is not modified.
func (s *State) Restore(cur map[string]string) map[string]string {
	base, _ := s.restore(cur)
	return base
}

// restore is Restore that also names the variables removed although they
// had a value before the identity (Lost: a state inherited from a parent).
func (s *State) restore(cur map[string]string) (map[string]string, []string) {
	base := make(map[string]string, len(cur))
	for k, v := range cur {
		base[k] = v
	}
	var lost []string
	for _, v := range s.Vars {
		val, present := cur[v.Name]
		ours := (v.Applied == "" && !present) || (v.Applied != "" && present && valueHash(val) == v.Applied)
		if !ours {
			continue
		}
		if v.Lost {
			lost = append(lost, v.Name)
		}
		if v.Orig != nil {
			base[v.Name] = string(*v.Orig)
		} else {
			delete(base, v.Name)
		}
	}
	return base, lost
}

// Apply returns base with env applied and the state that undoes it. lost
// names the variables that had a value before an identity a parent shell
// loaded (see inherited): absent from base, they stay marked Lost.
func Apply(base map[string]string, env *environ.Environment, file, identity string, lost []string) (map[string]string, *State) {
	out := make(map[string]string, len(base)+len(env.Set))
	for k, v := range base {
		out[k] = v
	}
	st := &State{File: file, Identity: identity}
	save := func(name, applied string) {
		sv := SavedVar{Name: name, Applied: applied}
		if o, ok := base[name]; ok {
			b := []byte(o)
			sv.Orig = &b
		} else if slices.Contains(lost, name) {
			sv.Lost = true
		}
		st.Vars = append(st.Vars, sv)
	}
	for _, k := range env.UnsetKeys() {
		save(k, "")
		delete(out, k)
	}
	for _, k := range env.SetKeys() {
		save(k, valueHash(env.Set[k]))
		out[k] = env.Set[k]
	}
	// Exported for child shells: what was loaded, without saved values.
	tok := st.Inheritable()
	sv := SavedVar{Name: LoadedVar, Applied: valueHash(tok)}
	if o, ok := base[LoadedVar]; ok {
		b := []byte(o)
		sv.Orig = &b
	}
	st.Vars = append(st.Vars, sv)
	out[LoadedVar] = tok
	sort.Slice(st.Vars, func(i, j int) bool { return st.Vars[i].Name < st.Vars[j].Name })
	return out, st
}

// Diff returns the changes turning from into to, looking only at names.
func Diff(from, to map[string]string, names []string) *environ.Environment {
	d := environ.New()
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			continue
		}
		seen[n] = true
		fv, fok := from[n]
		tv, tok := to[n]
		switch {
		case tok && (!fok || fv != tv):
			d.SetVar(n, tv)
		case !tok && fok:
			d.UnsetVar(n)
		}
	}
	return d
}

// EnvironMap turns KEY=VALUE strings into a map.
func EnvironMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			m[k] = v
		}
	}
	return m
}
