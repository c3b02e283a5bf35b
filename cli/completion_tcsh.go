package cli

import (
	"strings"

	"github.com/atmos-auth/atmos-auth/shells"
)

// tcshCompletion is one `complete` command on one line (eval "`...`" joins
// lines). tcsh reads the output of a backquoted list as words and expands
// them again (globs, ~user, {a,b}, $var), and inserts a completed word as
// it is: identity names come from `__complete identities --quote tcsh`,
// which lists only names tcsh reads as themselves unquoted (letters,
// digits and _./,+@%-). Patterns are tried in order; where none matches,
// tcsh completes file names.
var tcshCompletion = func() string {
	ids := "`atmos-auth __complete identities --quote tcsh`"
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
	for _, c := range []string{"login", "whoami", "logout"} {
		p = append(p, "'n/"+c+"/"+ids+"/'")
	}
	return "complete atmos-auth " + strings.Join(p, " ") + "\n"
}()

// tcshCandidate offers a name only when tcsh reads it unquoted as itself.
func tcshCandidate(n string) (string, bool) { return n, shells.Tcsh{}.Quote(n) == n }
