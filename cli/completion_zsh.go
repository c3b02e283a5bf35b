package cli

import (
	"fmt"
	"strings"

	"github.com/atmos-auth/atmos-auth/shells"
)

// zshCompletion: flags, their values and arguments per command come from
// the command tree (zshFill); identity names are read one per line and
// added as data (compadd quotes them).
const zshCompletion = `#compdef atmos-auth
# atmos-auth zsh completion: source <(atmos-auth completion zsh)
_atmos_auth_complete() {
  local -a cmds ids
  local cmd=$words[2] prev=$words[CURRENT-1]
  cmds=(@CMDS@)
  case $prev in
    -i|--identity)
      ids=(${(f)"$($words[1] __complete identities 2>/dev/null)"})
      compadd -a ids
      return ;;
    --config|--output-file|--shell)
      _files
      return ;;
  esac
  case $cmd:$prev in
@VALUECASES@
  esac
  if [[ $PREFIX == --identity=* ]]; then
    ids=(${(f)"$($words[1] __complete identities 2>/dev/null)"})
    compset -P '--identity='
    compadd -a ids
    return
  fi
  if (( CURRENT == 2 )); then
    if [[ $PREFIX == -* ]]; then
      compadd -- --identity --profile --config --log-level --no-color --help --version
    else
      compadd -a cmds
    fi
    return
  fi
  if [[ $PREFIX == -* ]]; then
    case $cmd in
@FLAGCASES@
    esac
    return
  fi
  case $cmd in
@ARGCASES@
  esac
}
if (( $+functions[compdef] )); then
  compdef _atmos_auth_complete atmos-auth
fi
`

// zshFill writes the case arms of zshCompletion from the command tree.
func zshFill(specs []cmdSpec) []string {
	var values, flags, args strings.Builder
	pats, vals := valueSets(specs)
	for i := range pats {
		fmt.Fprintf(&values, "    %s) compadd -- %s; return ;;\n", pats[i], strings.Join(vals[i], " "))
	}
	for _, s := range specs {
		fmt.Fprintf(&flags, "      %s) compadd -- %s ;;\n", s.name, strings.Join(s.flags, " "))
		switch s.arg {
		case "identity":
			fmt.Fprintf(&args, "    %s) ids=(${(f)\"$($words[1] __complete identities 2>/dev/null)\"}); compadd -a ids ;;\n", s.name)
		case "shell":
			fmt.Fprintf(&args, "    %s) compadd -- %s ;;\n", s.name, strings.Join(shells.Names(), " "))
		case "path":
			fmt.Fprintf(&args, "    %s) _files ;;\n", s.name)
		}
	}
	args.WriteString("    *) _files ;;")
	return []string{
		"@VALUECASES@", strings.TrimRight(values.String(), "\n"),
		"@FLAGCASES@", strings.TrimRight(flags.String(), "\n"),
		"@ARGCASES@", args.String(),
	}
}
