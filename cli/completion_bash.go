package cli

import (
	"fmt"
	"strings"

	"github.com/atmos-auth/atmos-auth/shells"
)

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
      *) if [[ ${COMP_WORDS[i-1]} != -i && ${COMP_WORDS[i-1]} != --identity && ${COMP_WORDS[i-1]} != -f && ${COMP_WORDS[i-1]} != --format && ${COMP_WORDS[i-1]} != -o && ${COMP_WORDS[i-1]} != --output ]]; then cmd=${COMP_WORDS[i]}; break; fi ;;
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
  esac
  # Values of the flags that take a known set, per command (from the
  # command tree: enums, env's formats).
  case $cmd:$prev in
@VALUECASES@
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
  if [[ $cur == -* ]]; then
    case $cmd in
@FLAGCASES@
    esac
    return
  fi
  # The first argument, where a command takes one: identity names only
  # where an identity is the argument, shells where a shell is.
  case $cmd in
@ARGCASES@
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

// bashFill writes the case arms of bashCompletion from the command tree.
// Every word is a flag, a command or a value of ours (no $, no quote).
func bashFill(specs []cmdSpec) []string {
	var values, flags, args strings.Builder
	pats, vals := valueSets(specs)
	for i := range pats {
		fmt.Fprintf(&values, "    %s)\n      mapfile -t COMPREPLY < <(compgen -W %q -- \"$cur\")\n      return ;;\n", pats[i], strings.Join(vals[i], " "))
	}
	for _, s := range specs {
		fmt.Fprintf(&flags, "      %s) mapfile -t COMPREPLY < <(compgen -W %q -- \"$cur\") ;;\n", s.name, strings.Join(s.flags, " "))
		switch s.arg {
		case "identity":
			fmt.Fprintf(&args, "    %s) _atmos_auth_identities \"$cur\" '' ;;\n", s.name)
		case "shell":
			fmt.Fprintf(&args, "    %s) mapfile -t COMPREPLY < <(compgen -W %q -- \"$cur\") ;;\n", s.name, strings.Join(shells.Names(), " "))
		}
	}
	// A command that takes no argument offers nothing (not files).
	var none []string
	for _, s := range specs {
		if s.arg == "" && s.name != "exec" && s.name != "shell" && s.name != "user" {
			none = append(none, s.name)
		}
	}
	if len(none) > 0 {
		fmt.Fprintf(&args, "    %s) compopt +o default 2>/dev/null ;;\n", strings.Join(none, " | "))
	}
	return []string{
		"@VALUECASES@", strings.TrimRight(values.String(), "\n"),
		"@FLAGCASES@", strings.TrimRight(flags.String(), "\n"),
		"@ARGCASES@", strings.TrimRight(args.String(), "\n"),
	}
}
