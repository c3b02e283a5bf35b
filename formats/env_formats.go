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

// EnvFormat renders an environ.Environment for a non-shell consumer. It
// validates everything before writing anything, and its errors never
// contain values (they are often secrets).
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

// EnvFormats lists the non-shell environment renderers by name: one line
// to add a format.
var EnvFormats = map[string]EnvFormat{
	"json":   EnvJSON{},
	"dotenv": EnvDotenv{},
	"github": EnvGitHub{},
}

// EnvFormatNames returns the keys of EnvFormats, sorted.
func EnvFormatNames() []string {
	return slices.Sorted(maps.Keys(EnvFormats))
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
