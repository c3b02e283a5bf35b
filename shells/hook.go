package shells

import "github.com/atmos-auth/atmos-auth/environ"

// Hooker is implemented by dialects that have a prompt hook: the code a
// user evals in their rc file and the statements the hook process prints
// to update the shell's own (not exported) hook variables.
//
// The protocol, the same in every shell:
//
//   - on each prompt, the shell compares $PWD with the directory of the last
//     prompt; when it moved, it walks from $PWD up to / with builtins looking
//     for the identity file (fileName) and compares the nearest one with the
//     one the last hook run saw (the identity file "in effect", trusted or not);
//   - when a file is in effect, it also compares the file and the trust
//     database's allow directory with stamp files whose mtimes mirror theirs
//     (test -nt / -ot, builtins);
//   - only when something differs it runs `exe __hook SHELL SID` with the
//     saved state in _ATMOS_AUTH_STATE (that process's environment only) and
//     evaluates its output, which applies the diff and sets the variables
//     below.
//
// tcsh, elvish and nu have no -nt/-ot: instead of stamps their hooks
// compare HookVars.Watch (the file's mtime and size, or its content, and
// whether its trust entries exist) with builtins, and need no stamps.
type Hooker interface {
	// Hook returns the rc-file code installing the hook; exe is the
	// atmos-auth executable, fileName the per-directory identity file name.
	Hook(exe, fileName string) string
	// HookVars returns statements setting the hook's shell variables.
	HookVars(v HookVars) string
}

// HookVars are the shell-side variables one hook run leaves behind.
type HookVars struct {
	State    string     // encoded hooks.State ([A-Za-z0-9_-]*)
	File     string     // the nearest identity file, "" when none
	StampDir string     // directory holding the stamps f (file) and t (trust)
	TrustDir string     // the trust database's allow directory
	Watch    *HookWatch // nil when File is ""
}

// HookWatch is what the hook run saw of File, for the hooks that compare it
// with builtins on each prompt (tcsh, elvish, nu) instead of stamps.
type HookWatch struct {
	ModTime int64 // seconds since the epoch
	Size    int64
	Recent  bool   // a change within ModTime's second would not show in it
	Content []byte // nil when unreadable
	// Allow and Deny are File's trust entries for Content ("" when
	// unknown); whether they exist decides its trust.
	Allow, Deny     string
	Allowed, Denied bool
}

// ScriptHooker is a Hooker whose Hook text cannot be evaluated in place
// (tcsh: eval joins lines and an alias holds one line, while the check
// needs a while loop): `hook SHELL` writes Hook's text to a file and prints
// Install(file), the code that runs it on each prompt.
type ScriptHooker interface {
	Hooker
	Install(script string) string
}

// FileApplier is a Hooker whose shell cannot evaluate every value from a
// command's output (tcsh: newlines): `__hook` writes its output to a 0600
// file in the session's directory and prints only Source(file).
type FileApplier interface {
	Hooker
	Source(path string) string
}

// hookEncoder is a Hooker whose hook applies one document instead of
// evaluating code (nu cannot eval a string).
type hookEncoder interface {
	HookOutput(diff *environ.Environment, v HookVars) (string, error)
}

// HookOutput is what one `__hook` run prints for h (of dialect d): the
// statements applying diff followed by HookVars, or the hook's own
// encoding. It fails, emitting nothing, when diff cannot be represented.
func HookOutput(d Dialect, h Hooker, diff *environ.Environment, v HookVars) (string, error) {
	if e, ok := h.(hookEncoder); ok {
		return e.HookOutput(diff, v)
	}
	code, err := Render(d, diff)
	if err != nil {
		return "", err
	}
	return code + h.HookVars(v), nil
}

// bashZshHookCheck is the per-prompt check bash and zsh share word for word
// (both have [[ ]], -nt/-ot and ${var%/*}); @SHELL@ names the dialect.
const bashZshHookCheck = `  if [[ $PWD != "$_atmos_auth_pwd" ]]; then
    _atmos_auth_pwd=$PWD
    _atmos_auth_d=$PWD
    [[ $_atmos_auth_d == / ]] && _atmos_auth_d=
    while :; do
      if [[ -f $_atmos_auth_d/@FILE@ ]]; then _atmos_auth_f=$_atmos_auth_d/@FILE@; break; fi
      [[ -n $_atmos_auth_d ]] || break
      _atmos_auth_d=${_atmos_auth_d%/*}
    done
    [[ $_atmos_auth_f == "$_atmos_auth_file" ]] || _atmos_auth_run=1
  fi
  [[ -n $_atmos_auth_state || -z ${ATMOS_AUTH_HOOK_LOADED-} ]] || _atmos_auth_run=1
  if [[ -n $_atmos_auth_file && -z $_atmos_auth_run ]]; then
    if [[ $_atmos_auth_file -nt $_atmos_auth_sd/f || $_atmos_auth_file -ot $_atmos_auth_sd/f ||
      $_atmos_auth_tdb -nt $_atmos_auth_sd/t || $_atmos_auth_tdb -ot $_atmos_auth_sd/t ]]; then
      _atmos_auth_run=1
    fi
  fi
  if [[ -n $_atmos_auth_run ]]; then
    eval "$(_ATMOS_AUTH_STATE=$_atmos_auth_state @EXE@ __hook @SHELL@ "$_atmos_auth_sid")"
  fi
`
