package cli

import (
	"strings"

	"github.com/atmos-auth/atmos-auth/shells"
)

// tcshIDs lists identity names for tcsh (see tcshCompletion).
const tcshIDs = "`atmos-auth __complete identities --quote tcsh`"

// tcshCompletion is one `complete` command on one line (eval "`...`" joins
// lines). tcsh reads the output of a backquoted list as words and expands
// them again (globs, ~user, {a,b}, $var), and inserts a completed word as
// it is: identity names come from `__complete identities --quote tcsh`,
// which lists only names tcsh reads as themselves unquoted (letters,
// digits and _./,+@%-). Patterns are tried in order; where none matches,
// tcsh completes file names.
var tcshCompletion = func() string {
	ids := tcshIDs
	var p []string
	for _, f := range []string{"-i", "--identity"} {
		p = append(p, "'n/"+f+"/"+ids+"/'")
	}
	p = append(p, "'c/--identity=/"+ids+"/'")
	for _, f := range []string{"-f", "--format", "-o", "--output"} {
		p = append(p, "'n/"+f+"/(@FORMATS@)/'")
	}
	p = append(p, "'c/--/(identity profile config log-level no-color help version)/'", "'p/1/(@CMDS@)/'")
	for _, c := range []string{"hook", "completion"} {
		p = append(p, "'n/"+c+"/(@SHELLS@)/'")
	}
	p = append(p, "@IDPATTERNS@")
	return "complete atmos-auth " + strings.Join(p, " ") + "\n"
}()

// tcshFill: identity names after the commands whose argument is one.
func tcshFill(specs []cmdSpec) []string {
	var p []string
	for _, c := range identityArgCommands(specs) {
		p = append(p, "'n/"+c+"/"+tcshIDs+"/'")
	}
	return []string{"@IDPATTERNS@", strings.Join(p, " ")}
}

// tcshCandidate offers a name only when tcsh reads it unquoted as itself.
func tcshCandidate(n string) (string, bool) { return n, shells.Tcsh{}.Quote(n) == n }
