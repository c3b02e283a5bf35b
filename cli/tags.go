package cli

import (
	"strings"

	"github.com/atmos-auth/atmos-auth/config"
)

// TagsFlag is --tags, embedded by login, logout, list, env, exec and
// shell: Atmos's selection of identities by their tags: (comma-separated,
// matching any).
type TagsFlag struct {
	Tags string `name:"tags" placeholder:"A,B" help:"Select by tags (comma-separated, any matches): one identity is used, several open the selector on a terminal; list shows every match, logout --all logs every match out."`
}

// apply hands the tags to identity resolution (Globals.ResolveIdentity).
func (t TagsFlag) apply(g *Globals) { g.Tags = config.ParseTags(t.Tags) }

// noTagMatch is the error when no entry has one of tags: it lists the
// tags the configuration knows (exit 2).
func noTagMatch(cfg *config.Config, what string, tags []string) error {
	hint := "no provider or identity has tags"
	if known := cfg.KnownTags(); len(known) > 0 {
		hint = "known tags: " + listNames(known)
	}
	return Configf("no %s has tag %s (%s)", what, strings.Join(tags, ","), hint)
}
