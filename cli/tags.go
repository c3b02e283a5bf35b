package cli

import "github.com/atmos-auth/atmos-auth/config"

// TagsFlag is --tags, embedded by login, logout, list, env, exec and
// shell: Atmos's selection of identities by their tags: (comma-separated,
// matching any).
type TagsFlag struct {
	Tags string `name:"tags" placeholder:"A,B" help:"Pick the identity by its tags (comma-separated, any matches): one match is used, several open the selector on a terminal."`
}

// apply hands the tags to identity resolution (Globals.ResolveIdentity).
func (t TagsFlag) apply(g *Globals) { g.Tags = config.ParseTags(t.Tags) }
