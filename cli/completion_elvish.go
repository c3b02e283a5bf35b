package cli

// elvishCompletion returns candidates as values: elvish matches them
// against the word typed and quotes the text it inserts itself; nothing
// here evaluates a name. Where bash would fall back to file names, so does
// this.
const elvishCompletion = `# atmos-auth elvish completion: eval (atmos-auth completion elvish | slurp)
use str
set edit:completion:arg-completer[atmos-auth] = {|@words|
  var ids = {|prefix|
    try {
      e:atmos-auth __complete identities 2>/dev/null | each {|name| put $prefix$name }
    } catch { }
  }
  var cur = $words[-1]
  var prev = ''
  if (> (count $words) 2) { set prev = $words[-2] }
  var cmd = ''
  for i [(range 1 (- (count $words) 1))] {
    if (and (not (str:has-prefix $words[$i] -)) (not (has-value [-i --identity -f --format -o --output] $words[(- $i 1)]))) {
      set cmd = $words[$i]
      break
    }
  }
  if (has-value [-i --identity] $prev) {
    $ids ''
  } elif (has-value [-f --format -o --output] $prev) {
    if (eq $cmd env) { str:split ' ' '@FORMATS@' }
  } elif (has-value [--shell --config --output-file] $prev) {
    edit:complete-filename $cur
  } elif (str:has-prefix $cur --identity=) {
    $ids --identity=
  } elif (eq $cmd '') {
    if (str:has-prefix $cur -) {
      put --identity --profile --config --log-level --no-color --help --version
    } else {
      str:split ' ' '@CMDS@'
    }
  } elif (has-value [hook completion] $cmd) {
    str:split ' ' '@SHELLS@'
  } elif (has-value [@IDCMDS@] $cmd) {
    if (not (str:has-prefix $cur -)) { $ids '' }
  } else {
    edit:complete-filename $cur
  }
}
`
