package cli

import "github.com/atmos-auth/atmos-auth/shells"

// nuCompletion is an external completer for atmos-auth that hands every
// other command to the completer configured before it. Nu inserts a
// candidate as it is (and does not match it against the word typed), so
// identity names come quoted as nu literals from `__complete identities
// --quote nu` and the completer keeps those whose name or literal starts
// with the word typed. The candidates are a list of strings: data, never
// parsed as code. null lets nu complete file names.
const nuCompletion = `# atmos-auth nu completion: atmos-auth completion nu | save -f ~/.atmos-auth-completion.nu
# then, in config.nu: source ~/.atmos-auth-completion.nu
def _atmos_auth_identities [cur: string, column: string] {
  ^atmos-auth __complete identities --quote nu | complete | get stdout | lines
  | split column "\t" name arg flag
  | where {|c| ($c.name | str starts-with $cur) or ($c | get $column | str starts-with $cur) }
  | get $column
}

def _atmos_auth_words [list: string, cur: string] {
  $list | split row ' ' | where {|w| $w | str starts-with $cur }
}

def _atmos_auth_complete [spans: list<string>] {
  let cur = $spans | last
  let prev = if ($spans | length) > 2 { $spans | get (($spans | length) - 2) } else { '' }
  mut cmd = ''
  mut before = ''
  for w in ($spans | skip 1 | drop 1) {
    if not ($w | str starts-with '-') and not ($before in [-i --identity -f --format -o --output]) {
      $cmd = $w
      break
    }
    $before = $w
  }
  if $prev in [-i --identity] {
    _atmos_auth_identities $cur arg
  } else if $prev in [-f --format -o --output] {
    if $cmd == env { _atmos_auth_words '@FORMATS@' $cur } else { [] }
  } else if $prev in [--shell --config --output-file] {
    null
  } else if ($cur | str starts-with '--identity=') {
    _atmos_auth_identities ($cur | str substring 11..) flag
  } else if $cmd == '' {
    if ($cur | str starts-with '-') {
      _atmos_auth_words '--identity --profile --config --log-level --no-color --help --version' $cur
    } else {
      _atmos_auth_words '@CMDS@' $cur
    }
  } else if $cmd in [hook completion] {
    _atmos_auth_words '@SHELLS@' $cur
  } else if $cmd in [@IDCMDS@] {
    if ($cur | str starts-with '-') { [] } else { _atmos_auth_identities $cur arg }
  } else {
    null
  }
}

$env.config.completions.external.enable = true
$env.config.completions.external.completer = do {
  let previous = $env.config.completions.external.completer?
  {|spans|
    if ($spans | first | path basename) == 'atmos-auth' {
      _atmos_auth_complete $spans
    } else if $previous != null {
      do $previous $spans
    }
  }
}
`

// nuCandidate is "name<TAB>name as a nu literal<TAB>--identity=name as one
// literal" (a raw string r#'...'# is one literal only as a whole word).
func nuCandidate(n string) (string, bool) {
	q := shells.Nu{}.Quote
	return n + "\t" + q(n) + "\t" + q("--identity="+n), true
}
