package shells

import (
	"strconv"
	"strings"

	"github.com/atmos-auth/atmos-auth/environ"
)

// tcshHook is the per-prompt check, a file sourced by the precmd alias
// (see Install): tcsh aliases hold one line and while loops need several.
// tcsh has no -nt/-ot, so it compares the identity file's mtime (seconds)
// and size (-M, -Z) and whether its trust entries exist (-e) with what the
// last hook run saw; a file modified within the second of that run is
// "recent" and checked by one more run (with _ATMOS_AUTH_RECHECK=1, which
// keeps a file's "not allowed yet" message from showing twice). The hook process is started with
// _ATMOS_AUTH_STATE set in the forked subshell of the backquotes only; it
// prints `source FILE`, FILE holding the statements (so values with
// newlines survive), which is then emptied. (tcsh keeps $status across
// precmd by itself.)
//
// Every path ($cwd, the identity file, the trust entries) comes from the
// file system, where a hostile repository names it: it is only ever
// expanded as $name:q (one word, nothing substituted in it; ":h:q" for the
// parent). Inside "..." a newline in a value is an "Unmatched" error at
// every prompt, and unquoted the value would be split and globbed.
const tcshHook = `set _atmos_auth_run = ''
if ( $cwd:q != $_atmos_auth_pwd:q ) then
  set _atmos_auth_pwd = $cwd:q
  set _atmos_auth_d = $cwd:q
  if ( $_atmos_auth_d:q == '/' ) set _atmos_auth_d = ''
  set _atmos_auth_f = ''
  while ( 1 )
    if ( -f $_atmos_auth_d:q/@FILE@ ) then
      set _atmos_auth_f = $_atmos_auth_d:q/@FILE@
      break
    endif
    if ( $_atmos_auth_d:q == '' ) break
    set _atmos_auth_d = $_atmos_auth_d:h:q
  end
  if ( $_atmos_auth_f:q != $_atmos_auth_file:q ) set _atmos_auth_run = 1
endif
if ( $_atmos_auth_state:q == '' && $?ATMOS_AUTH_HOOK_LOADED ) set _atmos_auth_run = 1
set _atmos_auth_recheck = 0
if ( $_atmos_auth_file:q != '' && $_atmos_auth_run:q == '' ) then
  if ( ! -e $_atmos_auth_file:q ) then
    set _atmos_auth_run = 1
  else if ( -M $_atmos_auth_file:q != $_atmos_auth_fm || -Z $_atmos_auth_file:q != $_atmos_auth_fz ) then
    set _atmos_auth_run = 1
  else if ( -e $_atmos_auth_allow:q != $_atmos_auth_allowed || -e $_atmos_auth_deny:q != $_atmos_auth_denied ) then
    set _atmos_auth_run = 1
  else if ( $_atmos_auth_recent ) then
    set _atmos_auth_run = 1
    set _atmos_auth_recheck = 1
  endif
endif
if ( $_atmos_auth_run:q != '' ) then
  eval "` + "`" + `setenv _ATMOS_AUTH_STATE $_atmos_auth_state:q ; setenv _ATMOS_AUTH_RECHECK $_atmos_auth_recheck ; @EXE@ __hook tcsh $_atmos_auth_sid:q` + "`" + `"
endif
`

// tcshInstall sets the hook's variables when unset (so installing twice
// keeps the session) and puts `source SCRIPT` in front of the user's
// precmd alias once. Every statement ends with " ;": eval "` + "`...`" + `"
// joins the lines.
const tcshInstall = `if ( ! $?_atmos_auth_sid ) set _atmos_auth_sid = $$ ;
if ( ! $?_atmos_auth_pwd ) set _atmos_auth_pwd = '' ;
if ( ! $?_atmos_auth_state ) set _atmos_auth_state = '' ;
if ( ! $?_atmos_auth_file ) set _atmos_auth_file = '' ;
set _atmos_auth_old = "` + "`" + `alias precmd` + "`" + `" ;
if ( "$_atmos_auth_old" !~ "*@MARK@*" ) alias precmd @SOURCE@"$_atmos_auth_old" ;
unset _atmos_auth_old ;
`

// TcshScriptMark is in the name of every tcsh hook script: the precmd
// alias holds it once installed.
const TcshScriptMark = "atmos-auth-precmd"

func (t Tcsh) Hook(exe, fileName string) string {
	return strings.NewReplacer("@EXE@", t.Quote(exe), "@FILE@", t.Quote(fileName)).Replace(tcshHook)
}

// Install returns the rc code running script (a file holding Hook's text,
// whose name contains TcshScriptMark) before the user's precmd alias.
func (t Tcsh) Install(script string) string {
	return strings.NewReplacer("@MARK@", TcshScriptMark, "@SOURCE@", t.Quote("source "+t.Quote(script)+" ; ")).Replace(tcshInstall)
}

// Source sources the hook's output file, then empties it (builtins only):
// it may hold values the identity had cleared.
func (t Tcsh) Source(path string) string {
	q := t.Quote(path)
	return "source " + q + " ; echo -n >! " + q + "\n"
}

// HookOutput is Render's statements, then HookVars, behind one
// tcshEvalGuard when any value needs it: `__hook` prints this straight to
// the hook's eval "`...`" when it cannot write the file the hook sources,
// and the identity file's path may hold a newline or bytes that are not
// UTF-8. Guarded, such output applies nothing there instead of a mangled
// path.
func (t Tcsh) HookOutput(diff *environ.Environment, v HookVars) (string, error) {
	code, err := Render(t, diff)
	if err != nil {
		return "", err
	}
	vals := []string{v.State, v.File, v.StampDir, v.TrustDir}
	if w := v.Watch; w != nil {
		vals = append(vals, w.Allow, w.Deny)
	}
	if !strings.HasPrefix(code, tcshEvalGuard) {
		for _, s := range vals {
			if tcshNeedsGuard(s) {
				code = tcshEvalGuard + code
				break
			}
		}
	}
	return code + t.HookVars(v), nil
}

func (t Tcsh) HookVars(v HookVars) string {
	w := v.Watch
	if w == nil {
		w = &HookWatch{}
	}
	b := func(x bool) string {
		if x {
			return "1"
		}
		return "0"
	}
	var s strings.Builder
	set := func(name, value string) { s.WriteString("set _atmos_auth_" + name + " = " + t.Quote(value) + " ;\n") }
	set("state", v.State)
	set("file", v.File)
	set("fm", strconv.FormatInt(w.ModTime, 10))
	set("fz", strconv.FormatInt(w.Size, 10))
	set("recent", b(w.Recent))
	set("allow", w.Allow)
	set("allowed", b(w.Allowed))
	set("deny", w.Deny)
	set("denied", b(w.Denied))
	return s.String()
}
