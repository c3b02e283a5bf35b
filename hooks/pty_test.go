package hooks_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

const testConfig = `auth:
  providers:
    gcp-adc:
      kind: gcp/adc
      project_id: my-gcp-project
    azure-cli:
      kind: azure/cli
      spec: {tenant_id: "12345678-1234-1234-1234-123456789012"}
  identities:
    plain: {kind: ambient, default: true}
    base: {kind: aws/ambient}
    gcp-prod:
      kind: gcp/project
      via: {provider: gcp-adc}
      principal: {project_id: production-project, region: us-central1}
    role:
      kind: aws/assume-role
      via: {identity: base}
      principal: {assume_role: "arn:aws:iam::999999999999:role/X", region: eu-west-1}
    az:
      kind: azure/subscription
      via: {provider: azure-cli}
      principal: {subscription_id: "11111111-1111-1111-1111-111111111111", location: eastus}
`

// torture values the identities overwrite or clear: they must come back
// byte for byte when the shell leaves the identity's tree.
var tortureOrig = map[string]string{
	"AWS_PROFILE":       "mine 'quoted' \"dq\" $HOME `x` \\ !\n second line\ttab é",
	"AWS_ACCESS_KEY_ID": "AKIA'ORIG\n\\",
	"AWS_REGION":        "",
}

type ptyShell struct {
	name string
	argv func(t *testing.T, home string) []string
	rc   func(hook string) (file, body string)
	// dump returns a command line writing `env -0` to tmp, then renaming
	// it to out; write one writing content to the file name (nil: POSIX-ish
	// shells).
	dump  func(tmp, out string) string
	write func(content, name string) string
	// cursorQuery is answered with ESC[1;1R whenever the shell sends it.
	cursorQuery bool
	// readMark, when set, is written once each time the shell starts
	// reading a line, and promptMark with each drawing of the prompt
	// (nu draws it again after the answer to its cursor query and on
	// keystrokes): send waits for a new readMark and a final drawing
	// (nu drops lines typed ahead while a command runs).
	readMark, promptMark string
	// recentFixtures: the shell compares mtimes in whole seconds (tcsh),
	// so files written within the last second make the hook check again
	// on the next prompt; the fixtures are aged so that quiet prompts are
	// quiet.
	recentFixtures bool
}

var ptyShells = []ptyShell{
	{
		name: "bash",
		argv: func(t *testing.T, home string) []string {
			return []string{testenv.RequireTool(t, "bash"), "--noprofile", "--rcfile", filepath.Join(home, ".bashrc"), "-i"}
		},
		rc: func(hook string) (string, string) {
			return ".bashrc", "PS1='P[${ATMOS_IDENTITY-}]> '\nPROMPT_COMMAND='_user_pc=1'\n" + hook
		},
	},
	{
		name: "zsh",
		argv: func(t *testing.T, home string) []string { return []string{testenv.RequireTool(t, "zsh"), "-i"} },
		rc: func(hook string) (string, string) {
			return ".zshrc", "setopt PROMPT_SUBST\nPS1='P[${ATMOS_IDENTITY-}]> '\nunsetopt zle\nprecmd_functions=(_user_precmd)\n_user_precmd() { :; }\n" + hook
		},
	},
	{
		name: "fish",
		argv: func(t *testing.T, home string) []string {
			return []string{testenv.RequireTool(t, "fish"), "-i"}
		},
		rc: func(hook string) (string, string) {
			return ".config/fish/config.fish", "function fish_prompt; printf 'P[%s]> ' \"$ATMOS_IDENTITY\"; end\nfunction fish_greeting; end\n" + hook
		},
	},
	{
		name: "tcsh",
		argv: func(t *testing.T, home string) []string { return []string{testenv.RequireTool(t, "tcsh"), "-i"} },
		rc: func(hook string) (string, string) {
			// The user's precmd alias must keep running (it sets a variable
			// the prompt shows).
			return ".tcshrc", "alias precmd 'setenv _USER_PC 1'\nset prompt = 'P[%$ATMOS_IDENTITY]> '\n" + hook
		},
		recentFixtures: true,
	},
	{
		name: "elvish",
		argv: func(t *testing.T, home string) []string {
			return []string{testenv.RequireTool(t, "elvish"), "-rc", filepath.Join(home, "rc.elv")}
		},
		rc: func(hook string) (string, string) {
			return "rc.elv", "set edit:prompt = { put 'P['$E:ATMOS_IDENTITY']> ' }\nset edit:rprompt = { }\n" +
				"set edit:before-readline = [{ set-env _USER_PC 1 }]\n" + hook
		},
		dump:  func(tmp, out string) string { return "env -0 > " + tmp + "; mv " + tmp + " " + out },
		write: func(c, name string) string { return "echo '" + c + "' > " + name },
	},
	{
		name: "nu",
		argv: func(t *testing.T, home string) []string {
			nu, _ := filepath.Abs("../scripts/npm/node_modules/@nushell/linux-x64/bin/nu")
			testenv.RequireFile(t, nu)
			return []string{nu, "--no-std-lib", "--env-config", filepath.Join(home, "env.nu"), "--config", filepath.Join(home, "config.nu")}
		},
		rc: func(hook string) (string, string) {
			return "config.nu", "$env.config.show_banner = false\n$env.PROMPT_COMMAND = {|| $\"P[($env.ATMOS_IDENTITY? | default '')]> \" }\n" +
				"$env.PROMPT_COMMAND_RIGHT = ''\n$env.PROMPT_INDICATOR = ''\n" +
				"$env.config.hooks.pre_prompt = [{|| $env._USER_PC = '1' }]\n" + hook
		},
		dump:        func(tmp, out string) string { return "^env -0 o> " + tmp + "; mv " + tmp + " " + out },
		write:       func(c, name string) string { return "'" + c + "\n' | save -f " + name },
		cursorQuery: true,
		readMark:    "\x1b[?2004h", // bracketed paste on
		promptMark:  "\x1b]133;A",
	},
}

// loadHook returns the rc line loading the hook saved in file, the way
// users do (bash, zsh and fish take the text inline).
func (sh ptyShell) loadHook(hook, file string) string {
	switch sh.name {
	case "tcsh":
		return "eval \"`cat " + file + "`\"\n"
	case "elvish":
		return "eval (slurp < " + file + ")\n"
	case "nu":
		return "source '" + file + "'\n"
	}
	return hook
}

// installHook writes the rc file of sh in home: its prompt, then the hook
// (`hook SHELL` run with env, the executable named exe) loaded twice, as a
// user who installed it twice would (it must be idempotent).
func installHook(t *testing.T, sh ptyShell, bin, exe, home, root string, env []string) {
	t.Helper()
	hookCmd := exec.Command(bin, "hook", sh.name)
	hookCmd.Env = append([]string{"ATMOS_AUTH_EXECUTABLE=" + exe}, env...)
	hook, err := hookCmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	hookText := strings.ReplaceAll(string(hook), bin, exe)
	mustWrite(t, root+"/hook.txt", hookText)
	load := sh.loadHook(hookText, root+"/hook.txt")
	rcName, rcBody := sh.rc(load)
	rc := filepath.Join(home, rcName)
	if err := os.MkdirAll(filepath.Dir(rc), 0o755); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, rc, rcBody+load)
	mustWrite(t, home+"/env.nu", "")
}

func mustWrite(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startShell starts sh interactively on a PTY in dir with environ; it is
// killed when the test ends.
func startShell(t *testing.T, sh ptyShell, home, dir string, environ []string) *term {
	t.Helper()
	argv := sh.argv(t, home)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = environ
	cmd.Dir = dir
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	p := &term{t: t, ptmx: ptmx, sh: sh}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := ptmx.Read(b)
			p.mu.Lock()
			p.buf.Write(b[:n])
			p.mu.Unlock()
			if sh.cursorQuery && bytes.Contains(b[:n], []byte("\x1b[6n")) {
				ptmx.WriteString("\x1b[1;1R")
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		ptmx.Close()
	})
	return p
}

// at runs a command line (none when ""), then dumps the environment the
// next command sees (after the prompt hook) to a new file under root/out
// and returns it.
func (p *term) at(root, line string) map[string]string {
	p.t.Helper()
	p.step++
	out := filepath.Join(root, "out", strings.Repeat("s", p.step))
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if line != "" {
		p.send(line)
	}
	if p.sh.dump != nil {
		p.send(p.sh.dump(out+".tmp", out))
	} else {
		p.send("env -0 > " + out + ".tmp && mv " + out + ".tmp " + out)
	}
	return parseEnv0(p.waitFile(out))
}

type term struct {
	t     *testing.T
	mu    sync.Mutex
	buf   bytes.Buffer
	ptmx  *os.File
	marks int // read marks (ptyShell.readMark) seen at the last send
	sh    ptyShell
	step  int // commands run by at
}

func (p *term) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.String()
}

func (p *term) send(s string) {
	p.t.Helper()
	if m := p.sh.readMark; m != "" {
		// Wait for the shell to read a new line, for its prompt to be
		// drawn for the last time (a shell asking for the cursor
		// position draws it again after the answer, and reads and drops
		// what was typed before), then for the output to settle.
		deadline := time.Now().Add(20 * time.Second)
		last := ""
		for time.Now().Before(deadline) {
			out := p.output()
			tail := out[strings.LastIndex(out, m)+1:]
			i := strings.LastIndex(tail, p.sh.promptMark)
			final := i >= 0 && !strings.Contains(tail[i:], "\x1b[6n")
			if strings.Count(out, m) > p.marks && final && out == last {
				break
			}
			last = out
			time.Sleep(50 * time.Millisecond)
		}
		p.marks = strings.Count(p.output(), m)
	}
	if _, err := p.ptmx.WriteString(s + "\r"); err != nil {
		p.t.Fatal(err)
	}
}

// waitFile waits until path exists and returns its content.
func (p *term) waitFile(path string) []byte {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			return b
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.t.Fatalf("timed out waiting for %s; terminal:\n%s", path, p.output())
	return nil
}

// countOutput waits (briefly) until s shows up want times in the terminal
// output, which may lag behind the files the shell writes, and returns the
// count.
func (p *term) countOutput(s string, want int) int {
	deadline := time.Now().Add(2 * time.Second)
	for {
		n := strings.Count(p.output(), s)
		if n >= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func parseEnv0(b []byte) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Split(string(b), "\x00") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// TestHookPTY runs the real hook in each interactive shell on a PTY, cds
// between identity trees, and reads the environment and prompt back.
func TestHookPTY(t *testing.T) {
	for _, sh := range ptyShells {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			runHookPTY(t, sh)
		})
	}
}

func runHookPTY(t *testing.T, sh ptyShell) {
	sh.argv(t, "") // skips when the shell is missing
	bin := testenv.AtmosAuth(t)
	root := t.TempDir()
	home := filepath.Join(root, "home")
	w := filepath.Join(root, "w")
	for _, d := range []string{home, w + "/aws/sub/gcp", w + "/az", w + "/pending", home + "/.config/fish", root + "/out"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) { mustWrite(t, p, s) }
	write(root+"/atmos.yaml", testConfig)
	write(w+"/aws/.atmos-identity", "identity: role\n")
	write(w+"/aws/sub/gcp/.atmos-identity", "# gcp\nidentity: gcp-prod\n")
	write(w+"/az/.atmos-identity", "identity: az\n")
	write(w+"/pending/.atmos-identity", "identity: plain\n")

	// A wrapper counts hook processes.
	counter := root + "/count"
	wrapper := root + "/atmos-auth-counting"
	write(wrapper, "#!/bin/sh\necho x >> "+counter+"\nexec "+bin+" \"$@\"\n")
	os.Chmod(wrapper, 0o755)
	count := func() int {
		b, _ := os.ReadFile(counter)
		return strings.Count(string(b), "x")
	}

	baseEnv := append(testenv.HomeEnv(t, home), "ATMOS_CLI_CONFIG_PATH="+root+"/atmos.yaml")
	for _, d := range []string{"aws", "aws/sub/gcp", "az"} {
		cmd := exec.Command(bin, "allow", w+"/"+d)
		cmd.Env = baseEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("allow: %v\n%s", err, out)
		}
	}
	installHook(t, sh, bin, wrapper, home, root, baseEnv)
	if sh.recentFixtures {
		old := time.Now().Add(-time.Hour)
		for _, d := range []string{"aws", "aws/sub/gcp", "az", "pending"} {
			os.Chtimes(w+"/"+d+"/.atmos-identity", old, old)
		}
	}

	environ := append([]string{}, baseEnv...)
	for k, v := range tortureOrig {
		environ = append(environ, k+"="+v)
	}
	p := startShell(t, sh, home, w, environ)
	at := func(line string) map[string]string { t.Helper(); return p.at(root, line) }
	same := func(what string, got map[string]string, want map[string]string, keys ...string) {
		t.Helper()
		for _, k := range keys {
			g, gok := got[k]
			wv, wok := want[k]
			if g != wv || gok != wok {
				t.Errorf("%s: %s = %q (set %v), want %q (set %v)", what, k, g, gok, wv, wok)
			}
		}
	}
	orig := map[string]string{}
	for k, v := range tortureOrig {
		orig[k] = v
	}

	start := at("")
	same("start", start, orig, "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_REGION", "ATMOS_IDENTITY")
	if sh.name == "tcsh" || sh.name == "elvish" || sh.name == "nu" {
		// Their rc files install a prompt hook of the user's first.
		if start["_USER_PC"] != "1" {
			t.Errorf("the user's own prompt hook did not run")
		}
	}
	if n := count(); n != 0 {
		t.Errorf("a hook process ran %d times outside any identity tree", n)
	}

	e := at("cd aws")
	same("aws", e, map[string]string{"ATMOS_IDENTITY": "role", "AWS_PROFILE": "role", "AWS_REGION": "eu-west-1"},
		"ATMOS_IDENTITY", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_REGION")
	if p.countOutput("P[role]> ", 1) == 0 {
		t.Errorf("prompt does not show the identity; terminal:\n%s", p.output())
	}
	n := count()
	if n != 1 {
		t.Errorf("entering a tree started %d hook processes, want 1", n)
	}
	at("true")
	e = at("cd sub")
	same("aws/sub", e, map[string]string{"ATMOS_IDENTITY": "role"}, "ATMOS_IDENTITY")
	if c := count(); c != n {
		t.Errorf("prompts without change or cd within the tree started %d hook processes", c-n)
	}

	e = at("cd gcp")
	same("gcp", e, map[string]string{"ATMOS_IDENTITY": "gcp-prod", "GOOGLE_CLOUD_PROJECT": "production-project"},
		"ATMOS_IDENTITY", "GOOGLE_CLOUD_PROJECT")
	same("gcp restores aws", e, orig, "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_REGION")

	e = at("cd " + w + "/az")
	same("az", e, map[string]string{"ATMOS_IDENTITY": "az", "AZURE_SUBSCRIPTION_ID": "11111111-1111-1111-1111-111111111111"},
		"ATMOS_IDENTITY", "AZURE_SUBSCRIPTION_ID", "GOOGLE_CLOUD_PROJECT")

	e = at("cd ../pending")
	same("pending", e, orig, "ATMOS_IDENTITY", "AZURE_SUBSCRIPTION_ID", "AWS_PROFILE")
	n = count()
	at("true")
	if c := count(); c != n {
		t.Errorf("a pending file started a hook process on every prompt")
	}
	if k := p.countOutput("is not allowed yet", 1); k != 1 {
		t.Errorf("pending message shown %d times, want once", k)
	}
	e = at(bin + " allow")
	same("allowed", e, map[string]string{"ATMOS_IDENTITY": "plain"}, "ATMOS_IDENTITY")

	// Any content change revokes the approval.
	change := "echo 'identity: az' > .atmos-identity"
	if sh.write != nil {
		change = sh.write("identity: az", ".atmos-identity")
	}
	e = at(change)
	same("changed", e, orig, "ATMOS_IDENTITY", "AZURE_SUBSCRIPTION_ID")
	if k := p.countOutput("is not allowed yet", 2); k != 2 {
		t.Errorf("pending message shown %d times after a change, want 2", k)
	}

	// The user's own changes survive leaving a tree.
	e = at("cd ../aws")
	same("aws again", e, map[string]string{"ATMOS_IDENTITY": "role"}, "ATMOS_IDENTITY")
	e = at("cd " + w)
	for k, v := range start {
		if k == "PWD" || k == "OLDPWD" || k == "_" || k == "SHLVL" || k == "CMD_DURATION_MS" { // nu: the last command's run time
			continue
		}
		if e[k] != v {
			t.Errorf("after leaving every tree, %s = %q, want %q", k, e[k], v)
		}
	}
	for k := range e {
		if _, ok := start[k]; !ok && k != "OLDPWD" && k != "_" && k != "PWD" { // elvish sets PWD on the first cd
			t.Errorf("after leaving every tree, %s is still set", k)
		}
	}
	if strings.Contains(p.output(), "command not found") || strings.Contains(p.output(), "Unknown command") {
		t.Errorf("shell errors:\n%s", p.output())
	}
}
