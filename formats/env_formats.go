package formats

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/atmos-auth/atmos-auth/environ"
	"github.com/atmos-auth/atmos-auth/shells"
)

// EnvFormat renders an environ.Environment for a shell (see envShell) or a
// tool. It validates everything before writing anything, and its errors
// name the variable but never contain values (they are often secrets).
type EnvFormat interface {
	RenderEnv(w io.Writer, env *environ.Environment) error
}

// EnvAppender is an EnvFormat that appends to a file of its own instead of
// printing a document (github: the job's environment file). `env
// --output-file` names that file rather than receiving the output, and
// what RenderEnv writes to w (github: the masks) goes to stdout.
type EnvAppender interface {
	EnvFormat
	// FileVar names the environment variable that holds the file when none
	// is given, e.g. "GITHUB_ENV".
	FileVar() string
	// AppendingTo returns the format appending to file or, when file is
	// "", to the file getenv(FileVar()) names.
	AppendingTo(file string, getenv func(string) string) EnvFormat
}

// envFormats are the environment formats that are not shells: one line to
// add one. Shell dialects are registered in shells.Registry.
var envFormats = map[string]EnvFormat{
	"json":   EnvJSON{},
	"dotenv": EnvDotenv{},
	"github": EnvGitHub{},
	"env":    EnvPlain{},
}

// Env is every environment output by name: each dialect of shells.Registry
// (rendered by shells.Render) and each format of envFormats. It is the one
// list `env --format` accepts, and its help, its error and completion
// show.
var Env = envRegistry()

func envRegistry() map[string]EnvFormat {
	m := make(map[string]EnvFormat, len(shells.Registry)+len(envFormats))
	for name, d := range shells.Registry {
		m[name] = envShell{d}
	}
	for name, f := range envFormats {
		if _, dup := m[name]; dup {
			panic("formats: environment format " + name + " is also the name of a shell")
		}
		m[name] = f
	}
	return m
}

// EnvNames returns the names in Env, sorted.
func EnvNames() []string {
	return slices.Sorted(maps.Keys(Env))
}

// LookupEnvFormat returns the environment output registered under name.
func LookupEnvFormat(name string) (EnvFormat, error) {
	if f, ok := Env[name]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("unknown format %q: choose one of %s", name, strings.Join(EnvNames(), ", "))
}

// envShell renders for a shell: shells.Render's statements, all or nothing.
// Its errors are shells.Check's (ErrInvalidName, ErrInvalidValue).
type envShell struct{ d shells.Dialect }

func (s envShell) RenderEnv(w io.Writer, env *environ.Environment) error {
	out, err := shells.Render(s.d, env)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, out)
	return err
}

// ErrEnvInvalid reports a name or value a format cannot represent.
var ErrEnvInvalid = errors.New("cannot render environment")

// envCheckName accepts what shells.ValidName accepts
// ([A-Za-z_][A-Za-z0-9_]*): every environment output checks names alike.
func envCheckName(name string) error {
	if !shells.ValidName(name) {
		return fmt.Errorf("%w: invalid variable name %q: use letters, digits and underscores, not starting with a digit", ErrEnvInvalid, name)
	}
	return nil
}

// envCheck validates every name and, for set variables, that no value
// holds a NUL byte.
func envCheck(env *environ.Environment) error {
	for _, n := range env.UnsetKeys() {
		if err := envCheckName(n); err != nil {
			return err
		}
	}
	for _, n := range env.SetKeys() {
		if err := envCheckName(n); err != nil {
			return err
		}
		if strings.IndexByte(env.Set[n], 0) >= 0 {
			return fmt.Errorf("%w: value of %s contains a NUL byte", ErrEnvInvalid, n)
		}
	}
	return nil
}

// renderAssignments writes NAME=VALUE lines for the set variables (unset
// ones cannot be expressed and are omitted), each value as value renders
// it; nothing is written when a name or a value is refused.
func renderAssignments(w io.Writer, env *environ.Environment, value func(name, v string) (string, error)) error {
	if env == nil {
		return nil
	}
	if err := envCheck(env); err != nil {
		return err
	}
	var b strings.Builder
	for _, k := range env.SetKeys() {
		v, err := value(k, env.Set[k])
		if err != nil {
			return err
		}
		b.WriteString(k + "=" + v + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
