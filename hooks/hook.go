package hooks

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/engine"
)

// Resolver computes the environment of an identity file. base reads the
// environment as it is without any hook-applied identity. It must not touch
// the network or the keyring, nor prompt.
type Resolver func(f *IdentityFile, base func(string) string) (*engine.Environment, error)

// ErrDisabled is what a Resolver returns when the user turned atmos-auth
// off (ATMOS_IDENTITY=false|0|no|off in the base environment): the file is
// then left unapplied, silently, and the previous identity is restored.
var ErrDisabled = errors.New("atmos-auth is disabled by ATMOS_IDENTITY")

// Input is what one prompt's hook run sees.
type Input struct {
	Environ map[string]string // the shell's current environment
	State   string            // encoded State from the previous run
	PWD     string            // the shell's logical working directory
	Trust   *Trust
	Resolve Resolver
	Now     func() time.Time // for Watch.Recent; time.Now when nil
}

// Result is what the shell must do.
type Result struct {
	Diff    *engine.Environment // variables to set and unset
	State   *State              // the new state (Encode it)
	File    string              // the nearest identity file ("" none), watched by the shell
	Message string              // one line for stderr, "" for none
	Status  string              // applied, pending, denied, error, none
	Watch   *Watch              // what decided File's outcome (nil when File is "")
}

// Watch is what one run saw of the identity file in effect, taken before
// it was read and judged, for shells that cannot compare mtimes with -nt
// (tcsh, elvish, nu): they compare these with builtins on each prompt and
// run the hook again when anything differs.
type Watch struct {
	ModTime time.Time
	Size    int64
	// Recent is set when ModTime is so recent that a change within the
	// same second would leave a seconds-resolution mtime unchanged.
	Recent  bool
	Content []byte // nil when the file could not be read
	// Allow and Deny are the trust entries for Content ("" when its key
	// cannot be computed); Allowed and Denied tell whether they existed.
	Allow, Deny     string
	Allowed, Denied bool
}

func watch(in Input, path string) *Watch {
	w := &Watch{}
	if st, err := os.Stat(path); err == nil {
		w.ModTime, w.Size = st.ModTime(), st.Size()
	}
	now := time.Now
	if in.Now != nil {
		now = in.Now
	}
	// The kernel's file clock may lag the wall clock by a tick: one second
	// of margin.
	w.Recent = w.ModTime.Unix() >= now().Unix()-1
	if b, err := readRaw(path); err == nil {
		w.Content = b
	}
	if w.Content != nil {
		if a, d, err := in.Trust.Entries(path, w.Content); err == nil {
			w.Allow, w.Deny, w.Allowed, w.Denied = a, d, exists(a), exists(d)
		}
	}
	return w
}

// Run is one hook evaluation: undo what the previous identity did (unless
// the user changed it since), find the nearest identity file, check its
// trust, resolve it and apply it. Every failure leaves the environment
// restored (managed variables removed) and a one-line message.
func Run(in Input) *Result {
	prev, serr := DecodeState(in.State)
	base := prev.Restore(in.Environ)
	names := make([]string, 0, len(prev.Vars)+16)
	for _, v := range prev.Vars {
		names = append(names, v.Name)
	}
	res := &Result{State: &State{}, Status: "none"}
	if serr != nil {
		res.Message = "atmos-auth: " + serr.Error() + "; starting afresh"
	}
	target := base
	res.File = Find(in.PWD)
	if res.File != "" {
		res.Watch = watch(in, res.File)
		t, st, status, msg := resolveFile(in, res.File, base)
		res.Status = status
		if msg != "" {
			res.Message = msg
		}
		if st != nil {
			target, res.State = t, st
			for _, v := range st.Vars {
				names = append(names, v.Name)
			}
		}
	}
	res.Diff = Diff(in.Environ, target, names)
	return res
}

func resolveFile(in Input, path string, base map[string]string) (map[string]string, *State, string, string) {
	f, err := ReadFile(path)
	if err != nil {
		return nil, nil, "error", "atmos-auth: " + firstLine(err.Error())
	}
	ts, err := in.Trust.State(path, f.Content)
	if err != nil {
		return nil, nil, "error", "atmos-auth: " + path + ": " + firstLine(err.Error())
	}
	switch ts {
	case Denied:
		return nil, nil, "denied", ""
	case Pending:
		return nil, nil, "pending", fmt.Sprintf("atmos-auth: %s is not allowed yet; review it, then run `atmos-auth allow` to use it", path)
	}
	getenv := func(k string) string { return base[k] }
	env, err := in.Resolve(f, getenv)
	if errors.Is(err, ErrDisabled) {
		return nil, nil, "disabled", ""
	}
	if err != nil {
		return nil, nil, "error", fmt.Sprintf("atmos-auth: %s: %s (identity variables removed)", path, firstLine(err.Error()))
	}
	name := env.Set["ATMOS_IDENTITY"]
	if len(f.Profiles) > 0 {
		env.SetVar("ATMOS_PROFILE", strings.Join(f.Profiles, ","))
	}
	t, st := Apply(base, env, path, name)
	return t, st, "applied", ""
}

// firstLine keeps one line of a message; a first line ending in ":"
// (a heading) is joined with the line after it.
func firstLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	out := strings.TrimSpace(lines[0])
	if strings.HasSuffix(out, ":") && len(lines) > 1 {
		out += " " + strings.TrimSpace(lines[1])
		lines = lines[1:]
	}
	if len(lines) > 1 {
		out += " …"
	}
	return out
}

// Stamp mirrors the mtime of src on stamp (removing stamp when src is
// missing), so a shell can tell with [[ src -nt stamp || src -ot stamp ]]
// whether src changed since, without starting a process.
func Stamp(src, stamp string) error {
	st, err := os.Stat(src)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if err := os.Remove(stamp); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			return nil
		}
		return err
	}
	f, err := os.OpenFile(stamp, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	return os.Chtimes(stamp, st.ModTime(), st.ModTime())
}
