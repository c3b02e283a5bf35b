package shells

import "strings"

// pwshHook wraps the prompt function once. PowerShell cannot be run here,
// so it only checks $PWD in-shell (a process runs on every directory
// change) and is syntax-checked with tree-sitter-powershell.
const pwshHook = `if (-not $global:__atmos_auth_orig_prompt) {
  $global:__atmos_auth_orig_prompt = $function:prompt
  if (-not $global:__atmos_auth_sid) { $global:__atmos_auth_sid = "$PID." + (Get-Random) }
  function global:prompt {
    $ok = $?
    $code = $global:LASTEXITCODE
    if ($PWD.Path -ne $global:__atmos_auth_pwd) {
      $global:__atmos_auth_pwd = $PWD.Path
      $env:_ATMOS_AUTH_STATE = $global:__atmos_auth_state
      try {
        $out = & @EXE@ __hook pwsh $global:__atmos_auth_sid | Out-String
        if ($out) { Invoke-Expression $out }
      } finally {
        Remove-Item Env:_ATMOS_AUTH_STATE -ErrorAction SilentlyContinue
      }
      $global:LASTEXITCODE = $code
    }
    if (-not $ok) { Write-Error '' -ErrorAction Ignore }
    & $global:__atmos_auth_orig_prompt
  }
}
`

func (p Pwsh) Hook(exe, fileName string) string {
	return strings.NewReplacer("@EXE@", p.Quote(exe)).Replace(pwshHook)
}

func (p Pwsh) HookVars(v HookVars) string {
	return "$global:__atmos_auth_state = " + p.Quote(v.State) + "\n$global:__atmos_auth_file = " + p.Quote(v.File) + "\n"
}
