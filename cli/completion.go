package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/atmos-auth/atmos-auth/internal/termsafe"
	"github.com/atmos-auth/atmos-auth/shells"
)

// CompletionCmd prints shell completions: commands, flags, and identity
// names (from `atmos-auth __complete identities`, read at completion time).
//
//	bash:       source <(atmos-auth completion bash)
//	zsh:        source <(atmos-auth completion zsh)
//	fish:       atmos-auth completion fish | source
//	PowerShell: atmos-auth completion pwsh | Out-String | Invoke-Expression
type CompletionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish,pwsh,powershell" help:"bash, zsh, fish or pwsh."`
}

// CompleteCmd is the hidden helper the completion scripts call. It prints
// one candidate per line. Identity names come from a repository's
// atmos.yaml and may be hostile: a name that termsafe would change (a
// newline would split it, a tab would forge a fish description, ESC would
// drive the terminal) is not offered, nor one starting with "-" (after
// `login` or -i it would be read as a flag, e.g. --config=...). The
// scripts never evaluate a candidate; with --quote pwsh each line is
// "name<TAB>name as a PowerShell argument".
type CompleteCmd struct {
	What  string `arg:"" enum:"identities,shells,formats,commands" help:"What to list."`
	Quote string `enum:",pwsh" default:"" help:"Add the name quoted for this shell after a tab."`
}

func (c *CompleteCmd) Run(g *Globals, k *kong.Context) error {
	var names []string
	switch c.What {
	case "identities":
		cfg, err := g.LoadConfig()
		if err != nil {
			return nil // completion stays quiet
		}
		names = cfg.IdentityOrder
	case "shells":
		names = shells.Names()
	case "formats":
		names = EnvFormatNames()
	case "commands":
		names = commandNames(k)
	}
	for _, n := range names {
		if n == "" || termsafe.String(n) != n || n[0] == '-' {
			continue
		}
		if c.Quote == "pwsh" {
			n += "\t" + shells.Pwsh{}.Arg(n)
		}
		fmt.Fprintln(g.Stdout, n)
	}
	return nil
}

func commandNames(k *kong.Context) []string {
	var out []string
	for _, n := range k.Model.Children {
		if !n.Hidden {
			out = append(out, n.Name)
		}
	}
	sort.Strings(out)
	return out
}

func (c *CompletionCmd) Run(g *Globals, k *kong.Context) error {
	r := strings.NewReplacer(
		"@CMDS@", strings.Join(commandNames(k), " "),
		"@SHELLS@", strings.Join(shells.Names(), " "),
		"@FORMATS@", strings.Join(EnvFormatNames(), " "),
	)
	var s string
	switch c.Shell {
	case "bash":
		s = bashCompletion
	case "zsh":
		s = zshCompletion
	case "fish":
		s = fishCompletion
	default:
		s = pwshCompletion
	}
	_, err := fmt.Fprint(g.Stdout, r.Replace(s))
	return err
}

// bashCompletion never hands a candidate to an evaluating builtin
// (compgen -W expands $(...) in its word list): identity names are read
// line by line and inserted as printf %q quotes them; files are left to
// readline's own quoting (-o default with no matches).
const bashCompletion = `# atmos-auth bash completion: source <(atmos-auth completion bash)
_atmos_auth_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} i cmd=
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -*) ;;
      *) if [[ ${COMP_WORDS[i-1]} != -i && ${COMP_WORDS[i-1]} != --identity && ${COMP_WORDS[i-1]} != -f && ${COMP_WORDS[i-1]} != --format ]]; then cmd=${COMP_WORDS[i]}; break; fi ;;
    esac
  done
  # COMP_WORDBREAKS splits --identity=NAME into --identity, =, NAME;
  # readline completes the text after the =.
  if [[ $prev == --identity && $cur == = ]]; then
    _atmos_auth_identities '' ''
    return
  fi
  if [[ $prev == = && ${COMP_WORDS[COMP_CWORD-2]} == --identity ]]; then
    prev=--identity
  fi
  case $prev in
    -i | --identity)
      _atmos_auth_identities "$cur" ''
      return ;;
    -f | --format)
      if [[ $cmd == env ]]; then
        mapfile -t COMPREPLY < <(compgen -W "@FORMATS@" -- "$cur")
      fi
      return ;;
    --shell | --config | -o | --output-file)
      return ;;
  esac
  if [[ $cur == --identity=* ]]; then
    _atmos_auth_identities "${cur#--identity=}" --identity=
    return
  fi
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W "--identity --profile --config --log-level --no-color --help --version" -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -W "@CMDS@" -- "$cur")
    fi
    return
  fi
  case $cmd in
    hook | completion) mapfile -t COMPREPLY < <(compgen -W "@SHELLS@" -- "$cur") ;;
    login | whoami | logout) [[ $cur == -* ]] || _atmos_auth_identities "$cur" '' ;;
  esac
}
# _atmos_auth_identities WORD PREFIX: every identity name starting with WORD
# (as typed, or as quoted) goes to COMPREPLY, quoted by printf %q, after
# PREFIX. Names are data: read one per line, never expanded.
_atmos_auth_identities() {
  local name quoted
  while IFS= read -r name; do
    printf -v quoted %q "$name"
    if [[ $name == "$1"* || $quoted == "$1"* ]]; then
      COMPREPLY+=("$2$quoted")
    fi
  done < <("${COMP_WORDS[0]}" __complete identities 2>/dev/null)
}
complete -o default -F _atmos_auth_complete atmos-auth
`

const zshCompletion = `#compdef atmos-auth
# atmos-auth zsh completion: source <(atmos-auth completion zsh)
_atmos_auth_complete() {
  local -a cmds ids
  cmds=(@CMDS@)
  case $words[CURRENT-1] in
    -i|--identity)
      ids=(${(f)"$($words[1] __complete identities 2>/dev/null)"})
      compadd -a ids
      return ;;
    -f|--format)
      compadd @FORMATS@
      return ;;
  esac
  if [[ $PREFIX == --identity=* ]]; then
    ids=(${(f)"$($words[1] __complete identities 2>/dev/null)"})
    compset -P '--identity='
    compadd -a ids
    return
  fi
  if (( CURRENT == 2 )); then
    compadd -a cmds
    return
  fi
  case $words[2] in
    hook|completion) compadd @SHELLS@ ;;
    login|whoami|logout)
      ids=(${(f)"$($words[1] __complete identities 2>/dev/null)"})
      compadd -a ids ;;
    *) _files ;;
  esac
}
if (( $+functions[compdef] )); then
  compdef _atmos_auth_complete atmos-auth
fi
`

const fishCompletion = `# atmos-auth fish completion: atmos-auth completion fish | source
complete -c atmos-auth -f
complete -c atmos-auth -n __fish_use_subcommand -a '@CMDS@'
complete -c atmos-auth -s i -l identity -x -d Identity -a '(atmos-auth __complete identities 2>/dev/null)'
complete -c atmos-auth -l profile -x -d 'Profiles to merge'
complete -c atmos-auth -l config -r -F -d 'Path to atmos.yaml'
complete -c atmos-auth -n '__fish_seen_subcommand_from env' -s f -l format -x -a '@FORMATS@'
complete -c atmos-auth -n '__fish_seen_subcommand_from hook completion' -x -a '@SHELLS@'
complete -c atmos-auth -n '__fish_seen_subcommand_from login whoami logout' -x -a '(atmos-auth __complete identities 2>/dev/null)'
`

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
  } elseif ($prev -eq '-f' -or $prev -eq '--format') {
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
