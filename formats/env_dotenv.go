package formats

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/atmos-auth/atmos-auth/environ"
)

// EnvDotenv renders NAME=VALUE lines readable, with the same values, by
// docker compose (compose-go), python-dotenv (with its default ${VAR}
// interpolation) and, for values without backslash or double quote, npm
// dotenv. Each value takes the first form that fits:
//
//   - bare: only [A-Za-z0-9_./,+@%-], not empty;
//   - single quotes: no ', \ or CR (newlines stay literal: multi-line);
//   - double quotes, escaping \ " LF CR as \\ \" \n \r: only when the
//     value has no $ (compose would expand it, python-dotenv would not).
//
// A value containing "${" is an error in every form (python-dotenv
// interpolates it even in single quotes), as is a value needing double
// quotes that contains $ or ends with \ (python-dotenv's regexp takes the
// \" of "...\\" as an escaped quote), and a value that is not UTF-8: use
// json.
//
// Dotenv cannot express removing a variable: Unset names are omitted.
type EnvDotenv struct{}

func (EnvDotenv) RenderEnv(w io.Writer, env *environ.Environment) error {
	return renderAssignments(w, env, func(k, v string) (string, error) {
		q, err := envDotenvQuote(v)
		if err != nil {
			return "", fmt.Errorf("%w: value of %s %v; use --format json", ErrEnvInvalid, k, err)
		}
		return q, nil
	})
}

func envDotenvQuote(v string) (string, error) {
	switch {
	case !utf8.ValidString(v):
		return "", fmt.Errorf("is not valid UTF-8")
	case strings.Contains(v, "${"):
		return "", fmt.Errorf("contains ${, which python-dotenv would interpolate")
	case envDotenvBare(v):
		return v, nil
	case !strings.ContainsAny(v, "'\\\r"):
		return "'" + v + "'", nil
	case strings.Contains(v, "$"):
		return "", fmt.Errorf("needs double quotes and contains $, which dotenv dialects expand differently")
	case strings.HasSuffix(v, `\`):
		return "", fmt.Errorf("needs double quotes and ends with a backslash, which python-dotenv misreads there")
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`)
	return `"` + r.Replace(v) + `"`, nil
}

func envDotenvBare(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("_./,+@%-", c) >= 0) {
			return false
		}
	}
	return true
}
