package formats

import (
	"fmt"
	"io"
	"strings"

	"github.com/atmos-auth/atmos-auth/environ"
)

// EnvPlain is Atmos's `env` format: NAME=VALUE lines with the value as is,
// no quoting and no export, for tools that read plain assignments
// (`env $(...)`, docker --env-file, systemd EnvironmentFile without
// quotes). A value that would end its line early or be cut (a line break,
// a NUL byte) is an error: use json or dotenv. Removing a variable cannot
// be expressed: Unset names are omitted.
type EnvPlain struct{}

func (EnvPlain) RenderEnv(w io.Writer, env *environ.Environment) error {
	return renderAssignments(w, env, func(k, v string) (string, error) {
		if strings.ContainsAny(v, "\n\r") {
			return "", fmt.Errorf("%w: value of %s spans lines, which plain NAME=VALUE cannot hold; use --format dotenv or json", ErrEnvInvalid, k)
		}
		return v, nil
	})
}
