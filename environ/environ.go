// Package environ is the one environment model: what an identity sets and
// clears. Kinds produce it; shells/, formats/, exec, shell and the hook
// consume it. It imports nothing of the project.
package environ

import "sort"

// Environment is what an identity does to a process environment: the
// variables it sets and the variables it clears. Renderers (shells/*,
// formats/*), exec, shell and the prompt hook all consume this one type.
type Environment struct {
	// Set maps variable names to values. Values may be any byte string.
	Set map[string]string
	// Unset lists variables that must be removed from the environment.
	// A name never appears in both Set and Unset.
	Unset []string
}

// NewEnvironment returns an empty Environment ready for use.
func New() *Environment {
	return &Environment{Set: map[string]string{}}
}

// SetVar sets name=value, dropping it from Unset.
func (e *Environment) SetVar(name, value string) {
	if e.Set == nil {
		e.Set = map[string]string{}
	}
	e.Set[name] = value
	for i, u := range e.Unset {
		if u == name {
			e.Unset = append(e.Unset[:i], e.Unset[i+1:]...)
			break
		}
	}
}

// UnsetVar marks name for removal, dropping it from Set.
func (e *Environment) UnsetVar(name string) {
	delete(e.Set, name)
	for _, u := range e.Unset {
		if u == name {
			return
		}
	}
	e.Unset = append(e.Unset, name)
}

// SetKeys returns the names in Set, sorted, so output is deterministic.
func (e *Environment) SetKeys() []string {
	keys := make([]string, 0, len(e.Set))
	for k := range e.Set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// UnsetKeys returns the names in Unset, sorted.
func (e *Environment) UnsetKeys() []string {
	keys := append([]string(nil), e.Unset...)
	sort.Strings(keys)
	return keys
}

// Apply returns environ (KEY=VALUE strings, as os.Environ gives) with the
// environment applied: unset names removed, set names replaced or added.
func (e *Environment) Apply(environ []string) []string {
	drop := make(map[string]bool, len(e.Set)+len(e.Unset))
	for k := range e.Set {
		drop[k] = true
	}
	for _, k := range e.Unset {
		drop[k] = true
	}
	out := make([]string, 0, len(environ)+len(e.Set))
	for _, kv := range environ {
		name := kv
		for i := 0; i < len(kv); i++ {
			if kv[i] == '=' {
				name = kv[:i]
				break
			}
		}
		if !drop[name] {
			out = append(out, kv)
		}
	}
	for _, k := range e.SetKeys() {
		out = append(out, k+"="+e.Set[k])
	}
	return out
}
