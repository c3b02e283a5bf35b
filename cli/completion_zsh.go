package cli

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
    -f|--format|-o|--output)
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
