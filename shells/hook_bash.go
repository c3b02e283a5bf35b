package shells

import "strings"

// bashHook is the bash rc code; @EXE@ and @FILE@ are replaced (quoted).
// It is prepended to PROMPT_COMMAND (string or array) once, and preserves
// $? for later PROMPT_COMMAND entries and PS1.
const bashHook = `_atmos_auth_hook() {
  local _atmos_auth_s=$? _atmos_auth_d _atmos_auth_f='' _atmos_auth_run=''
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
    eval "$(_ATMOS_AUTH_STATE=$_atmos_auth_state @EXE@ __hook bash "$_atmos_auth_sid")"
  fi
  return "$_atmos_auth_s"
}
_atmos_auth_sid=${_atmos_auth_sid:-$$.$RANDOM}
if [[ ";${PROMPT_COMMAND[*]:-};" != *";_atmos_auth_hook;"* ]]; then
  if [[ "$(declare -p PROMPT_COMMAND 2>&1)" == "declare -a"* ]]; then
    PROMPT_COMMAND=(_atmos_auth_hook "${PROMPT_COMMAND[@]}")
  else
    # shellcheck disable=SC2178,SC2128 # PROMPT_COMMAND is a string here
    PROMPT_COMMAND="_atmos_auth_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
  fi
fi
`

func (b Bash) Hook(exe, fileName string) string {
	return strings.NewReplacer("@EXE@", b.Quote(exe), "@FILE@", b.Quote(fileName)).Replace(bashHook)
}

func (b Bash) HookVars(v HookVars) string { return posixHookVars(v) }

func posixHookVars(v HookVars) string {
	q := quotePOSIX
	return "_atmos_auth_state=" + q(v.State) + "\n_atmos_auth_file=" + q(v.File) +
		"\n_atmos_auth_sd=" + q(v.StampDir) + "\n_atmos_auth_tdb=" + q(v.TrustDir) + "\n"
}
