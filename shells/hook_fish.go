package shells

import "strings"

// fishHook is the fish config code: a handler of the fish_prompt event
// (which fish runs before drawing the prompt and without changing $status)
// and of changes to PWD, so that the identity switches on the cd itself
// (`cd dir && cmd` runs cmd with dir's identity, as direnv's fish hook
// does); after that the prompt finds $PWD unchanged and starts no process.
const fishHook = `function __atmos_auth_hook --on-event fish_prompt --on-variable PWD
  set -l f
  set -l run
  if test "$PWD" != "$__atmos_auth_pwd"
    set -g __atmos_auth_pwd $PWD
    set -l d $PWD
    test "$d" = / && set d ''
    while true
      if test -f "$d/"@FILE@
        set f "$d/"@FILE@
        break
      end
      test -n "$d" || break
      set d (string replace -r '/[^/]*$' '' -- $d)
    end
    test "$f" = "$__atmos_auth_file" || set run 1
  end
  test -z "$__atmos_auth_state" -a -n "$ATMOS_AUTH_HOOK_LOADED" && set run 1
  if test -n "$__atmos_auth_file" -a -z "$run"
    if test "$__atmos_auth_file" -nt "$__atmos_auth_sd/f" -o "$__atmos_auth_file" -ot "$__atmos_auth_sd/f" -o "$__atmos_auth_tdb" -nt "$__atmos_auth_sd/t" -o "$__atmos_auth_tdb" -ot "$__atmos_auth_sd/t"
      set run 1
    end
  end
  if test -n "$run"
    _ATMOS_AUTH_STATE="$__atmos_auth_state" @EXE@ __hook fish "$__atmos_auth_sid" | source
  end
end
set -q __atmos_auth_sid || set -g __atmos_auth_sid $fish_pid.(random)
`

func (f Fish) Hook(exe, fileName string) string {
	return strings.NewReplacer("@EXE@", f.Quote(exe), "@FILE@", f.Quote(fileName)).Replace(fishHook)
}

func (f Fish) HookVars(v HookVars) string {
	return "set -g __atmos_auth_state " + f.Quote(v.State) + "\nset -g __atmos_auth_file " + f.Quote(v.File) +
		"\nset -g __atmos_auth_sd " + f.Quote(v.StampDir) + "\nset -g __atmos_auth_tdb " + f.Quote(v.TrustDir) + "\n"
}
