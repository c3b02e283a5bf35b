package hooks

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	base := make(map[string]string, len(cur))
	for k, v := range cur {
		base[k] = v
	}
	for _, v := range s.Vars {
		val, present := cur[v.Name]
		ours := (v.Applied == "" && !present) || (v.Applied != "" && present && valueHash(val) == v.Applied)
		if !ours {
			continue
		}
		if v.Orig != nil {
			base[v.Name] = string(*v.Orig)
		} else {
			delete(base, v.Name)
		}
	}
	return base
}

// Apply returns base with env applied and the state that undoes it.
func Apply(base map[string]string, env *environ.Environment, file, identity string) (map[string]string, *State) {
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
