package shells

import "strings"

// zshHook is the zsh rc code, added once to the front of precmd_functions
// and of chpwd_functions: the identity switches on the cd itself (`cd dir
// && cmd` runs cmd with dir's identity, as direnv's zsh hook does), and the
// prompt catches the rest (a file created, edited, allowed or denied, a
// directory change chpwd does not see: `cd -q`). After a chpwd run the prompt finds $PWD unchanged and
// starts no process. precmd functions do not change $? for the prompt, nor
// chpwd functions cd's status.
const zshHook = `_atmos_auth_hook() {
  emulate -L zsh
  local _atmos_auth_d _atmos_auth_f='' _atmos_auth_run=''
` + bashZshHookCheck + `}
typeset -g _atmos_auth_pwd _atmos_auth_file _atmos_auth_state _atmos_auth_sd _atmos_auth_tdb
typeset -g _atmos_auth_sid=${_atmos_auth_sid:-$$.$RANDOM}
typeset -ag precmd_functions
if (( ! ${precmd_functions[(I)_atmos_auth_hook]} )); then
  precmd_functions=(_atmos_auth_hook $precmd_functions)
fi
typeset -ag chpwd_functions
if (( ! ${chpwd_functions[(I)_atmos_auth_hook]} )); then
  chpwd_functions=(_atmos_auth_hook $chpwd_functions)
fi
`

func (z Zsh) Hook(exe, fileName string) string {
	return strings.NewReplacer("@EXE@", z.Quote(exe), "@FILE@", z.Quote(fileName), "@SHELL@", "zsh").Replace(zshHook)
}

// HookVars uses typeset -g: the hook's eval runs inside a function.
func (Zsh) HookVars(v HookVars) string {
	q := quotePOSIX
	return "typeset -g _atmos_auth_state=" + q(v.State) + " _atmos_auth_file=" + q(v.File) +
		" _atmos_auth_sd=" + q(v.StampDir) + " _atmos_auth_tdb=" + q(v.TrustDir) + "\n"
}
