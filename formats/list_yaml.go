package formats

import (
	"io"

	"gopkg.in/yaml.v3"
)

func renderListYAML(w io.Writer, v *ListView) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(listDoc(v)); err != nil {
		return err
	}
	return enc.Close()
}
