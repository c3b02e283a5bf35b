package shells

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/atmos-auth/atmos-auth/environ"
)

// nuHook is the config code, saved to a file and sourced from config.nu
// (nu cannot eval a string): it appends a closure to
// $env.config.hooks.pre_prompt once, keeping the hook's variables in
// $env.__atmos_auth, a record, which nu never passes to other programs
// (only strings are). nu hooks keep the environment changes they make.
// While a file is in effect the check hashes its content (open --raw |
// hash sha256, builtins) and tests whether its trust entries exist, against
// what the last hook run saw. The hook process gets _ATMOS_AUTH_STATE
// through with-env and prints a JSON document (see Nu.HookOutput) that the
// closure applies with hide-env and load-env.
const nuHook = `if ($env.__atmos_auth? == null) {
  $env.__atmos_auth = {pwd: null, state: '', file: '', sha: null, allow: '', allowed: false, deny: '', denied: false}
  $env.config.hooks.pre_prompt = ($env.config.hooks.pre_prompt? | default [] | append {||
    let s = $env.__atmos_auth
    mut run = false
    if $env.PWD != $s.pwd {
      $env.__atmos_auth.pwd = $env.PWD
      mut d = $env.PWD
      if $d == '/' { $d = '' }
      mut f = ''
      loop {
        let p = $d + '/' + @FILE@
        let t = ($p | path type)
        if $t == 'file' or ($t == 'symlink' and ($p | path expand | path type) == 'file') {
          $f = $p
          break
        }
        if $d == '' { break }
        $d = ($d | str replace -r '/[^/]*$' '')
      }
      if $f != $s.file { $run = true }
    }
    if $s.state == '' and ($env.ATMOS_AUTH_HOOK_LOADED? | is-not-empty) { $run = true }
    if not $run and $s.file != '' {
      let sha = try { open --raw $s.file | hash sha256 } catch { null }
      if $sha != $s.sha or ($s.allow | path exists) != $s.allowed or ($s.deny | path exists) != $s.denied {
        $run = true
      }
    }
    if $run {
      let r = with-env {_ATMOS_AUTH_STATE: $s.state} { run-external @EXE@ __hook nu } | from json
      if ($r.unset | is-not-empty) { hide-env -i ...$r.unset }
      load-env $r.set
      $env.__atmos_auth = ($env.__atmos_auth | merge $r.vars)
    }
  })
}
`

func (n Nu) Hook(exe, fileName string) string {
	return strings.NewReplacer("@EXE@", n.Quote(exe), "@FILE@", n.Quote(fileName)).Replace(nuHook)
}

// nuHookVars is the "vars" member of the hook's JSON output: the fields of
// $env.__atmos_auth it replaces.
type nuHookVars struct {
	State   string  `json:"state"`
	File    string  `json:"file"`
	SHA     *string `json:"sha"` // sha256 hex of the content; null when unreadable
	Allow   string  `json:"allow"`
	Allowed bool    `json:"allowed"`
	Deny    string  `json:"deny"`
	Denied  bool    `json:"denied"`
}

func nuVars(v HookVars) nuHookVars {
	out := nuHookVars{State: v.State, File: v.File}
	if w := v.Watch; w != nil {
		if w.Content != nil {
			h := sha256.Sum256(w.Content)
			s := hex.EncodeToString(h[:])
			out.SHA = &s
		}
		out.Allow, out.Allowed, out.Deny, out.Denied = w.Allow, w.Allowed, w.Deny, w.Denied
	}
	return out
}

// HookVars is the vars record alone, as nu code (for reading; the hook
// applies HookOutput's JSON).
func (n Nu) HookVars(v HookVars) string {
	b, _ := json.Marshal(nuVars(v))
	return "$env.__atmos_auth = ($env.__atmos_auth | merge (" + n.Quote(string(b)) + " | from json))\n"
}

// HookOutput is one JSON document:
//
//	{"unset": [NAME...], "set": {NAME: value...}, "vars": {...}}
//
// applied by the hook closure with hide-env -i, load-env and merge.
func (n Nu) HookOutput(diff *environ.Environment, v HookVars) (string, error) {
	doc := struct {
		Unset []string          `json:"unset"`
		Set   map[string]string `json:"set"`
		Vars  nuHookVars        `json:"vars"`
	}{Unset: []string{}, Set: map[string]string{}, Vars: nuVars(v)}
	if diff != nil {
		for _, name := range diff.UnsetKeys() {
			if err := Check(n, name, ""); err != nil {
				return "", err
			}
			doc.Unset = append(doc.Unset, name)
		}
		for _, name := range diff.SetKeys() {
			if err := Check(n, name, diff.Set[name]); err != nil {
				return "", err
			}
			doc.Set[name] = diff.Set[name]
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", err
	}
	return string(b) + "\n", nil
}
