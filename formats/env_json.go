package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/atmos-auth/atmos-auth/environ"
)

// EnvJSON renders {"set":{NAME:VALUE,...},"unset":[NAME,...]} on one line
// followed by a newline. Both keys are always present ({} and [] when
// empty); set keys and unset names are sorted, so output is stable. HTML
// characters are not escaped. JSON strings are Unicode: a value that is
// not valid UTF-8 is an error rather than silently replaced.
type EnvJSON struct{}

func (EnvJSON) RenderEnv(w io.Writer, env *environ.Environment) error {
	if env == nil {
		env = environ.New()
	}
	if err := envCheck(env); err != nil {
		return err
	}
	doc := struct {
		Set   map[string]string `json:"set"`
		Unset []string          `json:"unset"`
	}{Set: map[string]string{}, Unset: env.UnsetKeys()}
	if doc.Unset == nil {
		doc.Unset = []string{}
	}
	for _, k := range env.SetKeys() {
		v := env.Set[k]
		if !utf8.ValidString(v) {
			return fmt.Errorf("%w: value of %s is not valid UTF-8, which JSON cannot carry", ErrEnvInvalid, k)
		}
		doc.Set[k] = v
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil { // sorts map keys, adds "\n"
		return fmt.Errorf("encode environment as json: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
