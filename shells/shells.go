// Package shells renders an environ.Environment as code for one shell
// dialect: quoting, export and unset statements, and shell detection.
//
// Adding a shell: one file with a type implementing Dialect, its tests, and
// one line in Registry. The shell is then also an `env --format`, listed in
// its help and offered by completion (see formats.Env).
package shells

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/atmos-auth/atmos-auth/environ"
)

// Dialect is one shell's syntax for environment changes.
type Dialect interface {
	// Name is the registry key, e.g. "bash".
	Name() string
	// Quote returns a literal that evaluates to exactly s. s must pass
	// CheckValue; the result of quoting a rejected value is unspecified.
	Quote(s string) string
	// Export returns one statement setting and exporting name to value.
	Export(name, value string) string
	// Unset returns one statement removing name from the environment; it
	// succeeds when name is not set.
	Unset(name string) string
}

// ValueChecker is implemented by dialects that cannot represent every
// byte string (e.g. shells whose source text must be UTF-8).
type ValueChecker interface {
	CheckValue(value string) error
}

// Registry lists every dialect by name: one line to add a shell.
var Registry = map[string]Dialect{
	"bash":   Bash{},
	"zsh":    Zsh{},
	"fish":   Fish{},
	"pwsh":   Pwsh{},
	"tcsh":   Tcsh{},
	"elvish": Elvish{},
	"nu":     Nu{},
}

// aliases maps other program names to a registered dialect.
var aliases = map[string]string{
	"sh": "bash", "dash": "bash", "ash": "bash", "ksh": "bash", "mksh": "bash", "ksh93": "bash",
	"csh":        "tcsh",
	"powershell": "pwsh",
	"nushell":    "nu",
}

// ErrInvalidName reports a variable name that is not [A-Za-z_][A-Za-z0-9_]*.
var ErrInvalidName = errors.New("invalid environment variable name")

// MaxEnvEntry is the longest NAME=value a program can be started with on
// Linux (MAX_ARG_STRLEN: 32 pages, counting the NUL). A shell holding a
// longer exported variable cannot run any program (E2BIG).
const MaxEnvEntry = 32*4096 - 1

// ErrInvalidValue reports a value the dialect cannot represent.
var ErrInvalidValue = errors.New("invalid environment variable value")

// Names returns the registered dialect names, sorted (for enums and
// completions).
func Names() []string {
	return slices.Sorted(maps.Keys(Registry))
}

// Lookup returns the dialect registered under name.
func Lookup(name string) (Dialect, error) {
	if d, ok := Registry[name]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("unknown shell %q: choose one of %s", name, strings.Join(Names(), ", "))
}

// Detect guesses the dialect from a shell path or name as found in $SHELL
// or argv[0]: "/usr/bin/zsh", "-zsh" (login shell), "pwsh.exe",
// "bash-5.2", "C:\\Program Files\\PowerShell\\7\\pwsh.exe".
func Detect(shellPath string) (Dialect, bool) {
	s := strings.TrimSpace(shellPath)
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.ToLower(strings.TrimLeft(s, "-"))
	s = strings.TrimSuffix(s, ".exe")
	for _, cand := range []string{s, strings.TrimRight(s, "0123456789.-_")} {
		if a, ok := aliases[cand]; ok {
			cand = a
		}
		if d, ok := Registry[cand]; ok {
			return d, true
		}
	}
	return nil, false
}

// ValidName reports whether name is [A-Za-z_][A-Za-z0-9_]*.
func ValidName(name string) bool { return environ.ValidName(name) }

// Check reports whether d can set name to value. Its error names the
// variable and the shell, never the value: values are often secrets.
func Check(d Dialect, name, value string) error {
	if !ValidName(name) {
		return fmt.Errorf("%w %q for %s: use letters, digits and underscores, not starting with a digit", ErrInvalidName, name, d.Name())
	}
	if strings.IndexByte(value, 0) >= 0 {
		return fmt.Errorf("%w for %s in %s: contains a NUL byte, which no environment can hold", ErrInvalidValue, name, d.Name())
	}
	if n := len(name) + 1 + len(value); n > MaxEnvEntry {
		return fmt.Errorf("%w for %s in %s: %s=value is %d bytes, and no program starts with an environment entry over %d (every command of the shell would fail)", ErrInvalidValue, name, d.Name(), name, n, MaxEnvEntry)
	}
	if c, ok := d.(ValueChecker); ok {
		if err := c.CheckValue(value); err != nil {
			return fmt.Errorf("%w for %s in %s: %w", ErrInvalidValue, name, d.Name(), err)
		}
	}
	return nil
}

// Render returns the statements applying env in dialect d: unsets first,
// then exports, each group sorted by name, one statement per line. It
// fails, emitting nothing, when a name or value cannot be represented.
func Render(d Dialect, env *environ.Environment) (string, error) {
	if env == nil {
		return "", nil
	}
	var b strings.Builder
	if p, ok := d.(prologuer); ok {
		b.WriteString(p.prologue(env))
	}
	for _, name := range env.UnsetKeys() {
		if err := Check(d, name, ""); err != nil {
			return "", err
		}
		b.WriteString(d.Unset(name))
		b.WriteByte('\n')
	}
	for _, name := range env.SetKeys() {
		v := env.Set[name]
		if err := Check(d, name, v); err != nil {
			return "", err
		}
		b.WriteString(d.Export(name, v))
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// prologuer is a dialect whose output starts with a check of how it was
// loaded (tcsh: whether eval "`...`" joined its lines, which newlines and
// bytes that are not UTF-8 do not survive).
type prologuer interface {
	prologue(env *environ.Environment) string
}

// errNotUTF8 is returned by dialects whose strings must be Unicode.
var errNotUTF8 = errors.New("not valid UTF-8, which this shell's strings cannot hold; use bash, zsh, fish, tcsh or elvish for this identity")

func checkUTF8(v string) error {
	if !utf8.ValidString(v) {
		return errNotUTF8
	}
	return nil
}

// isBare reports whether s needs no quoting in any dialect that uses it:
// non-empty and only [A-Za-z0-9_./:,+@%-], not starting with '-' (harmless
// in assignments, but keep output obvious) or '%' (fish expands a bare
// %self to its process id).
func isBare(s string) bool {
	if s == "" || s[0] == '-' || s[0] == '%' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case strings.IndexByte("_./,+@%-", c) >= 0:
		default:
			return false
		}
	}
	return true
}
