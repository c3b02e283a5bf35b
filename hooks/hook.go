package hooks

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/internal/fsutil"
	"github.com/atmos-auth/atmos-auth/internal/termsafe"
)

// Resolver computes the environment of an allowed identity file with the
// configuration f.Config. base reads the environment as it is without any
// hook-applied identity. It must not touch the network or the keyring, nor
// prompt.
type Resolver func(f *IdentityFile, base func(string) string) (*environ.Environment, error)

// ConfigLocator returns the absolute path of the atmos.yaml an identity
// file is applied with ("" when there is none): a function of the file's
// path (and of an explicit setting in base), never of the working
// directory, so the outcome of a file does not depend on the way the shell
// came to it.
type ConfigLocator func(file string, base func(string) string) string

// ErrDisabled is what a Resolver returns when the user turned atmos-auth
// off (ATMOS_IDENTITY=false|0|no|off in the base environment): the file is
// then left unapplied, silently, and the previous identity is restored.
var ErrDisabled = errors.New("atmos-auth is disabled by ATMOS_IDENTITY")

// HookIdentityVar is exported with every identity the hook applies and
// names it: an ATMOS_IDENTITY that it does not match was chosen by the
// user (`atmos-auth shell -i`, `exec -i`, `export ATMOS_IDENTITY=…`, an
// eval of `atmos-auth env -i`), and an explicit choice always wins: the
// hook then stands aside (see Run). A shell started from a hooked one
// inherits both and switches by directory as its parent did.
const HookIdentityVar = "ATMOS_AUTH_HOOK_IDENTITY"

// Input is what one prompt's hook run sees.
type Input struct {
	Environ map[string]string // the shell's current environment
	State   string            // encoded State from the previous run
	PWD     string            // the shell's logical working directory
	Trust   *Trust
	Config  ConfigLocator // nil: no configuration
	Resolve Resolver
	Now     func() time.Time // for Watch.Recent; time.Now when nil
	// Disabled tells an ATMOS_IDENTITY value that turns atmos-auth off
	// (the Resolver then returns ErrDisabled) from an identity name.
	Disabled func(string) bool
}

// Result is what the shell must do.
type Result struct {
	Diff    *environ.Environment // variables to set and unset
	State   *State               // the new state (Encode it)
	File    string               // the identity file the shell watches: see Run
	Message string               // one line for stderr, terminal-safe; "" for none
	Status  string               // applied, pending, denied, disabled, refused, error, explicit, none
	// Previous is the identity the hook had applied before this run ("" for
	// none); State.Identity is the one it applies now.
	Previous string
	Watch    *Watch // what decided File's outcome (nil when File is "")
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

// watch stats the file, then reads it (in that order, so that a change
// after the read moves the mtime past what the shell compares with), and
// returns what it read for the trust decision too: one read per run.
func watch(in Input, path, config string) (w *Watch, content []byte, readErr error) {
	w = &Watch{}
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
	content, readErr = ReadContent(path)
	if readErr == nil {
		w.Content = content
		if a, d, err := in.Trust.Entries(Subject{Path: path, Content: content, Config: config}); err == nil {
			w.Allow, w.Deny, w.Allowed, w.Denied = a, d, exists(a), exists(d)
		}
	}
	return w, content, readErr
}

// Run is one hook evaluation: undo what the previous identity did (unless
// the user changed it since), find the nearest identity file, check its
// trust (path as found, content, configuration), and only then parse,
// resolve and apply it. Every failure leaves the environment restored
// (managed variables removed) and a one-line message that never quotes a
// file that is not allowed.
//
// Result.File is the nearest identity file, which the shell watches, or ""
// when there is none or when it is refused as not a regular file.
func Run(in Input) *Result {
	prev, serr := DecodeState(in.State)
	if in.State == "" && serr == nil {
		// A shell with no state of its own: the identity its parent
		// shell loaded, if any, is its previous state (see LoadedVar).
		if inh, err := inherited(in.Environ); err != nil {
			// Removed below, so that it is said once, not at each prompt.
			serr = fmt.Errorf("inherited %s: %w", LoadedVar, err)
			prev = &State{Vars: []SavedVar{{Name: LoadedVar, Applied: valueHash(in.Environ[LoadedVar])}}}
		} else if inh != nil {
			prev = inh
		}
	}
	base, lost := prev.restore(in.Environ)
	names := make([]string, 0, len(prev.Vars)+16)
	for _, v := range prev.Vars {
		names = append(names, v.Name)
	}
	res := &Result{State: &State{}, Status: "none", Previous: prev.Identity}
	if serr != nil {
		res.Message = "atmos-auth: " + serr.Error() + "; starting afresh"
	}
	target := base
	res.File = Find(in.PWD)
	if id := explicitIdentity(in, base); id != "" {
		// Outside any identity tree too: remember that the hook stood
		// aside for it, so that it says so once per choice.
		res.State = &State{Aside: id}
	}
	if res.File != "" {
		getenv := func(k string) string { return base[k] }
		config := ""
		if in.Config != nil {
			config = in.Config(res.File, getenv)
		}
		var content []byte
		var rerr error
		res.Watch, content, rerr = watch(in, res.File, config)
		var t map[string]string
		var st *State
		var status, msg string
		if id := explicitIdentity(in, base); id != "" && !errors.Is(rerr, fsutil.ErrNotRegular) {
			// The user chose an identity: no file switches the
			// credentials under it (the hook's own are removed). Said
			// once per shell and choice.
			st, status = &State{Aside: id}, "explicit"
			if prev.Aside != id {
				msg = "atmos-auth: " + id + " was chosen explicitly (shell -i, exec -i or ATMOS_IDENTITY): identity files stand aside in this shell"
			}
		} else {
			t, st, status, msg = resolveFile(in, res.File, config, base, lost, content, rerr)
		}
		res.Status = status
		if msg != "" {
			res.Message = msg
		}
		if status == "refused" {
			// Not watched: the mtime of /proc/self/environ is that of the
			// process looking at it, so the shell's check would differ
			// from the stamp on every prompt. The refusal is said again
			// only when the shell moves.
			res.File, res.Watch = "", nil
		}
		if st != nil {
			res.State = st
		}
		if t != nil {
			target = t
			for _, v := range st.Vars {
				names = append(names, v.Name)
			}
		}
	}
	res.Diff = Diff(in.Environ, target, names)
	if len(lost) > 0 && res.State.Identity != prev.Identity && res.Message == "" {
		// Leaving, in a nested shell, an identity that its parent loaded:
		// what those variables held before is the parent's to give back.
		lost = slices.DeleteFunc(lost, func(n string) bool { _, kept := target[n]; return kept })
		if len(lost) > 0 {
			res.Message = fmt.Sprintf("atmos-auth: %s held other values before %s in the parent shell (not handed down); exit this shell to get them back",
				strings.Join(lost, ", "), prev.Identity)
		}
	}
	res.Message = termsafe.String(res.Message)
	return res
}

// explicitIdentity is the identity the user chose ("" for none): the
// ATMOS_IDENTITY of the environment without the hook's own, unless a hook
// put it there (HookIdentityVar names it) or it turns atmos-auth off.
func explicitIdentity(in Input, base map[string]string) string {
	disabled := in.Disabled
	if disabled == nil {
		disabled = func(v string) bool {
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "false", "0", "no", "off":
				return true
			}
			return false
		}
	}
	id := base["ATMOS_IDENTITY"]
	if id == "" || id == base[HookIdentityVar] || disabled(id) {
		return ""
	}
	return id
}

func resolveFile(in Input, path, config string, base map[string]string, lost []string, content []byte, err error) (map[string]string, *State, string, string) {
	fail := func(err error) (map[string]string, *State, string, string) {
		return nil, nil, "error", "atmos-auth: " + oneLine(err, path, config)
	}
	if errors.Is(err, fsutil.ErrNotRegular) {
		return nil, nil, "refused", "atmos-auth: " + oneLine(err, path, config)
	}
	if err != nil {
		return fail(err)
	}
	sub := Subject{Path: path, Content: content, Config: config}
	ts, err := in.Trust.State(sub)
	if err != nil {
		return fail(err)
	}
	switch ts {
	case Denied:
		return nil, nil, "denied", ""
	case Pending:
		return nil, nil, "pending", fmt.Sprintf("atmos-auth: %s is not allowed yet; review it, then run `atmos-auth allow` to use it", path)
	}
	f, err := Parse(path, content)
	if err != nil {
		return fail(err)
	}
	f.Config = config
	getenv := func(k string) string { return base[k] }
	env, err := in.Resolve(f, getenv)
	if errors.Is(err, ErrDisabled) {
		return nil, nil, "disabled", ""
	}
	if err != nil {
		return nil, nil, "error", fmt.Sprintf("atmos-auth: %s: %s (identity variables removed)", path, oneLine(err, path, config))
	}
	name := env.Set["ATMOS_IDENTITY"]
	if len(f.Profiles) > 0 {
		env.SetVar("ATMOS_PROFILE", strings.Join(f.Profiles, ","))
	}
	env.SetVar(HookIdentityVar, name)
	t, st := Apply(base, env, path, name, lost)
	return t, st, "applied", ""
}

// oneLine is the first line of err (see firstLine), the paths it may
// quote escaped first so that a newline in a directory name cannot cut it.
func oneLine(err error, paths ...string) string {
	s := err.Error()
	for _, p := range paths {
		if p != "" {
			s = strings.ReplaceAll(s, p, termsafe.String(p))
		}
	}
	return firstLine(s)
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
