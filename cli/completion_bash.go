package cli

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
    -f | --format | -o | --output)
      if [[ $cmd == env ]]; then
        mapfile -t COMPREPLY < <(compgen -W "@FORMATS@" -- "$cur")
      fi
      return ;;
    --shell | --config | --output-file)
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
