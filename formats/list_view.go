// Package formats renders engine values for machines and people: list
// formats (table, tree, json, yaml, graphviz, mermaid) and environment
// outputs.
//
// Env is the one list of environment outputs: every shell of
// shells.Registry and the formats registered in envFormats. `env
// --format`, its help and error, and completion all read it. Adding a
// format: one file with a type implementing EnvFormat (and EnvAppender
// when it appends to a file of its own, as github does), its tests, and
// one line in envFormats. Adding a shell: see package shells.
package formats

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/atmos-auth/atmos-auth/config"
)

// ListView is what `list` shows: providers with the identities chained
// beneath them, standalone identities in their own group, integrations.
// It holds names, kinds and secret-free summaries only.
type ListView struct {
	Providers    []ProviderView    `json:"providers" yaml:"providers"`
	Standalone   []IdentityView    `json:"standalone" yaml:"standalone"`
	Integrations []IntegrationView `json:"integrations" yaml:"integrations"`
	// Realm is the credential realm in use ("" for none) and where it
	// came from.
	Realm     string `json:"realm,omitempty" yaml:"realm,omitempty"`
	RealmFrom string `json:"realm_from,omitempty" yaml:"realm_from,omitempty"`
	// ShowProviders / ShowIdentities say what was asked for.
	ShowProviders  bool `json:"-" yaml:"-"`
	ShowIdentities bool `json:"-" yaml:"-"`
}

// ProviderView is one provider.
type ProviderView struct {
	Name    string   `json:"name" yaml:"name"`
	Kind    string   `json:"kind" yaml:"kind"`
	Details string   `json:"details,omitempty" yaml:"details,omitempty"`
	Default bool     `json:"default,omitempty" yaml:"default,omitempty"`
	Tags    []string `json:"tags,omitempty" yaml:"tags,omitempty"`
	// IdentityCount counts every identity whose chain ends at this provider.
	IdentityCount int            `json:"identity_count" yaml:"identity_count"`
	Identities    []IdentityView `json:"identities,omitempty" yaml:"identities,omitempty"`
}

// IdentityView is one identity and those chained from it.
type IdentityView struct {
	Name     string         `json:"name" yaml:"name"`
	Kind     string         `json:"kind" yaml:"kind"`
	Default  bool           `json:"default,omitempty" yaml:"default,omitempty"`
	Alias    string         `json:"alias,omitempty" yaml:"alias,omitempty"`
	Tags     []string       `json:"tags,omitempty" yaml:"tags,omitempty"`
	Required bool           `json:"required,omitempty" yaml:"required,omitempty"`
	Via      string         `json:"via,omitempty" yaml:"via,omitempty"`
	Chain    []string       `json:"chain" yaml:"chain"`
	Details  string         `json:"details,omitempty" yaml:"details,omitempty"`
	Children []IdentityView `json:"identities,omitempty" yaml:"identities,omitempty"`
}

// IntegrationView is one integration.
type IntegrationView struct {
	Name     string `json:"name" yaml:"name"`
	Kind     string `json:"kind" yaml:"kind"`
	Identity string `json:"identity" yaml:"identity"`
	Details  string `json:"details,omitempty" yaml:"details,omitempty"`
}

// Filter narrows the view. A nil slice with Show* true means "all".
type Filter struct {
	Providers      []string
	Identities     []string
	ShowProviders  bool
	ShowIdentities bool
}

// BuildListView arranges a validated configuration for display.
func BuildListView(cfg *config.Config, f Filter) *ListView {
	if !f.ShowProviders && !f.ShowIdentities {
		f.ShowProviders, f.ShowIdentities = true, true
	}
	wantP := set(f.Providers)
	wantI := set(f.Identities)
	v := &ListView{ShowProviders: f.ShowProviders, ShowIdentities: f.ShowIdentities}
	if r := cfg.RealmOf(); r.Name != "" {
		v.Realm, v.RealmFrom = r.Name, r.Describe(cfg)
	}

	// children[parent] lists identities whose nearest shown ancestor is parent
	// (an identity name, or "provider:<name>", or "" for standalone).
	children := map[string][]string{}
	for _, name := range cfg.IdentityOrder {
		if wantI != nil && !wantI[name] {
			continue
		}
		parent := ""
		e := cfg.Identities[name]
		for seen := map[string]bool{name: true}; ; {
			if e.Via.Provider != "" {
				parent = "provider:" + e.Via.Provider
				break
			}
			next := cfg.Identities[e.Via.Identity]
			if next == nil || seen[next.Name] {
				break
			}
			seen[next.Name] = true
			if wantI == nil || wantI[next.Name] {
				parent = next.Name
				break
			}
			e = next
		}
		children[parent] = append(children[parent], name)
	}
	var build func(name string, depth int) IdentityView
	build = func(name string, depth int) IdentityView {
		e := cfg.Identities[name]
		ch, _ := cfg.Chain(name)
		iv := IdentityView{Name: name, Kind: e.Kind, Default: e.Default, Alias: e.Alias, Tags: e.Tags, Required: e.Required,
			Chain: chainNames(ch), Details: config.Describe(e)}
		switch {
		case e.Via.Provider != "":
			iv.Via = "provider:" + e.Via.Provider
		case e.Via.Identity != "":
			iv.Via = "identity:" + e.Via.Identity
		}
		if depth < 64 {
			for _, c := range children[name] {
				iv.Children = append(iv.Children, build(c, depth+1))
			}
		}
		return iv
	}
	counts := map[string]int{}
	for _, name := range cfg.IdentityOrder {
		if ch, err := cfg.Chain(name); err == nil && ch[len(ch)-1].Role == config.RoleProvider {
			counts[ch[len(ch)-1].Name]++
		}
	}
	for _, name := range cfg.ProviderOrder {
		if wantP != nil && !wantP[name] {
			continue
		}
		p := cfg.Providers[name]
		pv := ProviderView{Name: name, Kind: p.Kind, Details: config.Describe(p), Default: p.Default, Tags: p.Tags, IdentityCount: counts[name]}
		if f.ShowIdentities {
			for _, c := range children["provider:"+name] {
				pv.Identities = append(pv.Identities, build(c, 0))
			}
		}
		if !f.ShowProviders && len(pv.Identities) == 0 {
			continue
		}
		v.Providers = append(v.Providers, pv)
	}
	if f.ShowIdentities {
		for _, c := range children[""] {
			v.Standalone = append(v.Standalone, build(c, 0))
		}
	}
	if f.ShowProviders && f.ShowIdentities && wantP == nil && wantI == nil {
		for _, name := range cfg.IntegrationOrder {
			in := cfg.Integrations[name]
			v.Integrations = append(v.Integrations, IntegrationView{Name: name, Kind: in.Kind, Identity: in.Via.Identity, Details: config.Describe(in)})
		}
	}
	return v
}

func chainNames(ch []*config.Entry) []string {
	out := make([]string, len(ch))
	for i, e := range ch {
		out[i] = e.Name
	}
	return out
}

func set(names []string) map[string]bool {
	if names == nil {
		return nil
	}
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// ListRenderer writes a ListView.
type ListRenderer func(w io.Writer, v *ListView) error

// ListFormats is the registry of list formats: one line to add one.
var ListFormats = map[string]ListRenderer{
	"table":    renderListTable,
	"tree":     renderListTree,
	"json":     renderListJSON,
	"yaml":     renderListYAML,
	"graphviz": renderListGraphviz,
	"dot":      renderListGraphviz,
	"mermaid":  renderListMermaid,
	"markdown": renderListMarkdown,
	"md":       renderListMarkdown,
}

// ListFormatNames returns the sorted list format names.
func ListFormatNames() []string {
	return slices.Sorted(maps.Keys(ListFormats))
}

// RenderList renders v in the named format.
func RenderList(w io.Writer, format string, v *ListView) error {
	r, ok := ListFormats[format]
	if !ok {
		return fmt.Errorf("unknown list format %q (one of %s)", format, strings.Join(ListFormatNames(), ", "))
	}
	return r(w, v)
}

// walkIdentities visits identities depth-first with their depth.
func walkIdentities(ids []IdentityView, depth int, fn func(iv IdentityView, depth int)) {
	for _, iv := range ids {
		fn(iv, depth)
		walkIdentities(iv.Children, depth+1, fn)
	}
}
