package shells

import "strings"

// zshHook is the zsh rc code, added once to the front of precmd_functions.
// precmd functions do not change $? for the prompt.
const zshHook = `_atmos_auth_hook() {
  emulate -L zsh
  local _atmos_auth_d _atmos_auth_f='' _atmos_auth_run=''
  if [[ $PWD != "$_atmos_auth_pwd" ]]; then
    _atmos_auth_pwd=$PWD
    _atmos_auth_d=$PWD
    [[ $_atmos_auth_d == / ]] && _atmos_auth_d=
    while :; do
      if [[ -f $_atmos_auth_d/@FILE@ ]]; then _atmos_auth_f=$_atmos_auth_d/@FILE@; break; fi
      [[ -n $_atmos_auth_d ]] || break
      _atmos_auth_d=${_atmos_auth_d%/*}
    done
    [[ $_atmos_auth_f == "$_atmos_auth_file" ]] || _atmos_auth_run=1
  fi
  if [[ -n $_atmos_auth_file && -z $_atmos_auth_run ]]; then
    if [[ $_atmos_auth_file -nt $_atmos_auth_sd/f || $_atmos_auth_file -ot $_atmos_auth_sd/f ||
      $_atmos_auth_tdb -nt $_atmos_auth_sd/t || $_atmos_auth_tdb -ot $_atmos_auth_sd/t ]]; then
      _atmos_auth_run=1
    fi
  fi
  if [[ -n $_atmos_auth_run ]]; then
    eval "$(_ATMOS_AUTH_STATE=$_atmos_auth_state @EXE@ __hook zsh "$_atmos_auth_sid")"
  fi
}
typeset -g _atmos_auth_pwd _atmos_auth_file _atmos_auth_state _atmos_auth_sd _atmos_auth_tdb
typeset -g _atmos_auth_sid=${_atmos_auth_sid:-$$.$RANDOM}
typeset -ag precmd_functions
if (( ! ${precmd_functions[(I)_atmos_auth_hook]} )); then
  precmd_functions=(_atmos_auth_hook $precmd_functions)
fi
`

func (z Zsh) Hook(exe, fileName string) string {
	return strings.NewReplacer("@EXE@", z.Quote(exe), "@FILE@", z.Quote(fileName)).Replace(zshHook)
}

// HookVars uses typeset -g: the hook's eval runs inside a function.
func (Zsh) HookVars(v HookVars) string {
	q := quotePOSIX
	return "typeset -g _atmos_auth_state=" + q(v.State) + " _atmos_auth_file=" + q(v.File) +
		" _atmos_auth_sd=" + q(v.StampDir) + " _atmos_auth_tdb=" + q(v.TrustDir) + "\n"
}
