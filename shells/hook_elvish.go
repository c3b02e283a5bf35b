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
// returns); its output is evaluated in the closure's scope.
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
    if (and (not-eq $_atmos_auth_file '') (not $run)) {
      var c = (try { slurp < $_atmos_auth_file } catch { put $nil })
      if (or (not-eq $c $_atmos_auth_content) ^
          (not-eq (path:is-regular $_atmos_auth_allow) $_atmos_auth_allowed) ^
          (not-eq (path:is-regular $_atmos_auth_deny) $_atmos_auth_denied)) {
        set run = $true
      }
    }
    if $run {
      var code = ({ tmp E:_ATMOS_AUTH_STATE = $_atmos_auth_state; (external @EXE@) __hook elvish | slurp })
      eval $code &ns=(ns [&]) &on-end={|ns|
        set _atmos_auth_state = $ns[_atmos_auth_state]
        set _atmos_auth_file = $ns[_atmos_auth_file]
        set _atmos_auth_content = $ns[_atmos_auth_content]
        set _atmos_auth_allow = $ns[_atmos_auth_allow]
        set _atmos_auth_allowed = $ns[_atmos_auth_allowed]
        set _atmos_auth_deny = $ns[_atmos_auth_deny]
        set _atmos_auth_denied = $ns[_atmos_auth_denied]
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
	return "var _atmos_auth_state = " + e.quoteAlways(v.State) +
		"\nvar _atmos_auth_file = " + e.quoteAlways(v.File) +
		"\nvar _atmos_auth_content = " + content +
		"\nvar _atmos_auth_allow = " + e.quoteAlways(w.Allow) +
		"\nvar _atmos_auth_allowed = " + b(w.Allowed) +
		"\nvar _atmos_auth_deny = " + e.quoteAlways(w.Deny) +
		"\nvar _atmos_auth_denied = " + b(w.Denied) + "\n"
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
