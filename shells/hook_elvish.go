package shells

import "strings"

// elvishHook is the rc code, evaluated with
// eval (atmos-auth hook elvish | slurp): it appends a closure to
// edit:before-readline once (a closure whose body names _atmos_auth_hook
// marks the hook as installed). Elvish 0.19 has no stat builtin for
// mtimes, so while a file is in effect the check reads it (slurp, a
// builtin) and compares its content, and tests whether its trust entries
// exist (path:is-regular), with what the last hook run saw. The hook
// process gets _ATMOS_AUTH_STATE through tmp (restored when the closure
// returns). Its output is evaluated in a namespace holding one function,
// _atmos_auth_vars, which the output calls with the hook's variables (see
// HookVars). Not eval's &on-end: elvish 0.19 calls it with a nil namespace
// when the code does not parse, and crashes into its recovery shell. A
// failure is one line on stderr: the try keeps the prompt alive.
const elvishHook = `use path
use re
use str
var _atmos_auth_pwd = $nil
var _atmos_auth_state = ''
var _atmos_auth_file = ''
var _atmos_auth_content = $nil
var _atmos_auth_allow = ''
var _atmos_auth_allowed = $false
var _atmos_auth_deny = ''
var _atmos_auth_denied = $false
var _atmos_auth_installed = (each {|h|
    try { str:contains $h[body] _atmos_auth_hook } catch { put $false }
  } $edit:before-readline | has-value [(all)] $true)
if (not $_atmos_auth_installed) {
  set edit:before-readline = [$@edit:before-readline {|| # _atmos_auth_hook
    var run = $false
    if (not-eq $pwd $_atmos_auth_pwd) {
      set _atmos_auth_pwd = $pwd
      var d = $pwd
      if (eq $d /) { set d = '' }
      var f = ''
      while $true {
        if (path:is-regular &follow-symlink $d/@FILE@) { set f = $d/@FILE@; break }
        if (eq $d '') { break }
        set d = (re:replace '/[^/]*$' '' $d)
      }
      if (not-eq $f $_atmos_auth_file) { set run = $true }
    }
    if (and (eq $_atmos_auth_state '') (has-env ATMOS_AUTH_HOOK_LOADED)) { set run = $true }
    if (and (not-eq $_atmos_auth_file '') (not $run)) {
      var c = (try { slurp < $_atmos_auth_file } catch { put $nil })
      if (or (not-eq $c $_atmos_auth_content) ^
          (not-eq (path:is-regular $_atmos_auth_allow) $_atmos_auth_allowed) ^
          (not-eq (path:is-regular $_atmos_auth_deny) $_atmos_auth_denied)) {
        set run = $true
      }
    }
    if $run {
      try {
        var code = ({ tmp E:_ATMOS_AUTH_STATE = $_atmos_auth_state; (external @EXE@) __hook elvish | slurp })
        eval $code &ns=(ns [&_atmos_auth_vars~={|v|
          set _atmos_auth_state = $v[state]
          set _atmos_auth_file = $v[file]
          set _atmos_auth_content = $v[content]
          set _atmos_auth_allow = $v[allow]
          set _atmos_auth_allowed = $v[allowed]
          set _atmos_auth_deny = $v[deny]
          set _atmos_auth_denied = $v[denied]
        }])
      } catch e {
        echo 'atmos-auth: hook: '(to-string $e[reason]) >&2
      }
    }
  }]
}
`

func (e Elvish) Hook(exe, fileName string) string {
	return strings.NewReplacer("@EXE@", e.Quote(exe), "@FILE@", e.Quote(fileName)).Replace(elvishHook)
}

func (e Elvish) HookVars(v HookVars) string {
	w := v.Watch
	if w == nil {
		w = &HookWatch{}
	}
	b := func(x bool) string {
		if x {
			return "$true"
		}
		return "$false"
	}
	content := "$nil"
	if w.Content != nil {
		content = e.quoteAlways(string(w.Content))
	}
	return "_atmos_auth_vars [&state=" + e.quoteAlways(v.State) +
		" &file=" + e.quoteAlways(v.File) +
		" &content=" + content +
		" &allow=" + e.quoteAlways(w.Allow) +
		" &allowed=" + b(w.Allowed) +
		" &deny=" + e.quoteAlways(w.Deny) +
		" &denied=" + b(w.Denied) + "]\n"
}

// quoteAlways quotes even bare words, so that a file named e.g. "$true" or
// "~x" is never read as anything but a string.
func (e Elvish) quoteAlways(s string) string {
	q := e.Quote(s)
	if q == s {
		return "'" + s + "'"
	}
	return q
}
