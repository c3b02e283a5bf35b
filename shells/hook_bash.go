package shells

import "strings"

// bashHook is the bash rc code; @EXE@ and @FILE@ are replaced (quoted).
// It is prepended to PROMPT_COMMAND (string or array) once, and preserves
// $? for later PROMPT_COMMAND entries and PS1.
const bashHook = `_atmos_auth_hook() {
  local _atmos_auth_s=$? _atmos_auth_d _atmos_auth_f='' _atmos_auth_run=''
` + bashZshHookCheck + `  return "$_atmos_auth_s"
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
	return strings.NewReplacer("@EXE@", b.Quote(exe), "@FILE@", b.Quote(fileName), "@SHELL@", "bash").Replace(bashHook)
}

func (b Bash) HookVars(v HookVars) string { return posixHookVars(v) }

func posixHookVars(v HookVars) string {
	q := quotePOSIX
	return "_atmos_auth_state=" + q(v.State) + "\n_atmos_auth_file=" + q(v.File) +
		"\n_atmos_auth_sd=" + q(v.StampDir) + "\n_atmos_auth_tdb=" + q(v.TrustDir) + "\n"
}
