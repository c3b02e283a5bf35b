package cli

import "github.com/atmos-auth/atmos-auth/shells"

// pwshCandidate is "name<TAB>name as a PowerShell argument".
func pwshCandidate(n string) (string, bool) { return n + "\t" + shells.Pwsh{}.Arg(n), true }

// pwshCompletion inserts identity names as PowerShell arguments quoted by
// `__complete identities --quote pwsh`, never as bare text.
const pwshCompletion = `# atmos-auth PowerShell completion: atmos-auth completion pwsh | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName 'atmos-auth', 'atmos-auth.exe' -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $words = @($commandAst.CommandElements | ForEach-Object { $_.ToString() })
  $prev = if ($words.Count -ge 2) { $words[$words.Count - 1] } else { '' }
  if ($wordToComplete -ne '' -and $words.Count -ge 2) { $prev = $words[$words.Count - 2] }
  $candidates = @()
  if ($prev -eq '-i' -or $prev -eq '--identity') {
    $candidates = @(& $words[0] __complete identities --quote pwsh 2>$null)
  } elseif ($prev -eq '-f' -or $prev -eq '--format' -or $prev -eq '-o' -or $prev -eq '--output') {
    $candidates = '@FORMATS@' -split ' '
  } elseif ($words.Count -le 1 -or ($words.Count -eq 2 -and $wordToComplete -ne '')) {
    $candidates = '@CMDS@' -split ' '
  } elseif ($words[1] -eq 'hook' -or $words[1] -eq 'completion') {
    $candidates = '@SHELLS@' -split ' '
  }
  foreach ($candidate in $candidates) {
    $name, $text = $candidate -split "` + "`" + `t", 2
    if (-not $text) { $text = $name }
    if ($name.StartsWith($wordToComplete, [System.StringComparison]::Ordinal) -or
        $text.StartsWith($wordToComplete, [System.StringComparison]::Ordinal)) {
      [System.Management.Automation.CompletionResult]::new($text, $name, 'ParameterValue', $name)
    }
  }
}
`
