package formats

import (
	"encoding/json"
	"io"
)

func renderListJSON(w io.Writer, v *ListView) error {
	out := listDoc(v)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// listDoc normalises empty groups to [] so consumers can rely on the shape.
func listDoc(v *ListView) *ListView {
	c := *v
	if c.Providers == nil {
		c.Providers = []ProviderView{}
	}
	if c.Standalone == nil {
		c.Standalone = []IdentityView{}
	}
	if c.Integrations == nil {
		c.Integrations = []IntegrationView{}
	}
	return &c
}
