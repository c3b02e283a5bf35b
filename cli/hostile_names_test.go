package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// Identity names a hostile repository's atmos.yaml could hold. Each payload
// would create a file named mk* if any shell evaluated it.

// offeredNames can be completed: each starts with a unique two-character
// prefix the tests type before TAB.
var offeredNames = []string{
	"a1$(touch mk1)",
	"a2`touch mk2`",
	"a3;touch mk3;",
	"a4$((6*7))|&<>(touch mk4)",
	"a5*?[ab]",
	"a6%F{red}%n%~",
	`a7'q"d\b\\!h`,
	"a8 ~sp{a,b}",
	"a9${IFS}$HOME",
	"b1 #x",
	"b2é€日本",
	"c1.x/y@2,+%z_-",
	"b3'#x'##(touch mk9)#",
}

// plainName matches the names tcsh completion offers: tcsh expands the
// words its completer prints again, so it offers only names made of these.
var plainName = regexp.MustCompile(`^[A-Za-z0-9_./,+@%-]+$`)

// nuPath is where scripts/npm installs nushell (npm package "nushell").
const nuPath = "../scripts/npm/node_modules/@nushell/linux-x64/bin/nu"

// refusedNames cannot be one line of plain text (a newline splits it, a tab
// forges a description, control characters drive the terminal): they are not
// offered, so TAB after their prefix inserts nothing.
var refusedNames = []string{
	"q1x\ntouch mk5",
	"q2x\tdesc",
	"q3x\x1b]0;EVIL\x07",
	"q4x\u009b31m",
	"q5x\u202eevil",
	"q6x\rover",
	"-c--config=mk8",
}

// hostileConfig writes an atmos.yaml with names as ambient identities into
// dir; each name is a YAML double-quoted string (Go's ASCII quoting uses
// escapes YAML shares: \t \n \x1b \u009b ...).
func hostileConfig(t *testing.T, dir string, names ...string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("auth:\n  identities:\n")
	for _, n := range names {
		b.WriteString("    " + strconv.QuoteToASCII(n) + ": {kind: ambient}\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "atmos.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// noMarkers fails when a payload created a file.
func noMarkers(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(d, "mk*"))
		if len(m) > 0 {
			t.Errorf("a name was evaluated: %v exist", m)
		}
	}
}

// cursorQuery is the terminal query nu sends before each prompt.
const cursorQuery = "\x1b[6n"

// startPTY runs cmd on a new terminal and records everything it prints,
// answering cursor position queries.
func startPTY(t *testing.T, cmd *exec.Cmd) (*os.File, *ptyOut) {
	t.Helper()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 250})
	if err != nil {
		t.Fatal(err)
	}
	out := &ptyOut{}
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := ptmx.Read(b)
			out.mu.Lock()
			out.buf.Write(b[:n])
			out.mu.Unlock()
			if strings.Contains(string(b[:n]), cursorQuery) {
				ptmx.WriteString("\x1b[1;1R") // nu asks where the cursor is
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		ptmx.Close()
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return ptmx, out
}

// waitExit waits for the shell to leave after exit.
func waitExit(t *testing.T, cmd *exec.Cmd, out *ptyOut) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatalf("shell did not exit; terminal:\n%q", out.String())
	}
}

type completionShell struct {
	name string
	// tool finds the shell (nil: RequireTool(name)).
	tool func(t *testing.T) string
	// start returns the interactive shell with the completion loaded,
	// given the test's home directory.
	start func(t *testing.T, sh, home string) *exec.Cmd
	// printf is the command printing each argument as <arg> on a line
	// (nil: printf '<%s>\n').
	printf string
	// plainOnly: the shell offers only names plainName matches.
	plainOnly bool
	// cursorQuery: the shell reads keys only once the answer to its
	// cursor query is in and the prompt drawn again.
	cursorQuery bool
}

var completionShells = []completionShell{
	{name: "bash", start: func(t *testing.T, sh, home string) *exec.Cmd {
		rc := filepath.Join(home, ".bashrc")
		os.WriteFile(rc, []byte("PS1='R> '\nsource <(atmos-auth completion bash)\n"), 0o644)
		return exec.Command(sh, "--noprofile", "--rcfile", rc, "-i")
	}},
	{name: "zsh", start: func(t *testing.T, sh, home string) *exec.Cmd {
		os.WriteFile(filepath.Join(home, ".zshrc"), []byte("PS1='R> '\nbindkey -e\nautoload -Uz compinit\n"+
			"compinit -u -d "+home+"/.zcompdump\nsource <(atmos-auth completion zsh)\n"), 0o644)
		return exec.Command(sh, "-i")
	}},
	{name: "fish", start: func(t *testing.T, sh, home string) *exec.Cmd {
		conf := filepath.Join(home, ".config", "fish")
		os.MkdirAll(conf, 0o755)
		os.WriteFile(filepath.Join(conf, "config.fish"), []byte("function fish_prompt; printf 'R> '; end\n"+
			"function fish_greeting; end\natmos-auth completion fish | source\n"), 0o644)
		return exec.Command(sh, "-i")
	}},
	{name: "tcsh", plainOnly: true, start: func(t *testing.T, sh, home string) *exec.Cmd {
		os.WriteFile(filepath.Join(home, ".tcshrc"), []byte("set edit\nset prompt = 'R> '\neval \"`atmos-auth completion tcsh`\"\n"), 0o644)
		return exec.Command(sh, "-i")
	}},
	{name: "elvish", printf: "e:printf '<%s>\\n' ", start: func(t *testing.T, sh, home string) *exec.Cmd {
		rc := filepath.Join(home, "rc.elv")
		os.WriteFile(rc, []byte("set edit:prompt = { put 'R> ' }\nset edit:rprompt = { }\n"+
			// The keys the test types: in the menu elvish shows when the
			// text to insert does not start with the word typed (it is
			// quoted), Ctrl-A accepts the candidate first.
			"set edit:insert:binding[Ctrl-A] = { edit:move-dot-sol }\n"+
			"set edit:completion:binding[Ctrl-A] = { edit:completion:accept; edit:move-dot-sol }\n"+
			"eval (atmos-auth completion elvish | slurp)\n"), 0o644)
		return exec.Command(sh, "-rc", rc)
	}},
	{name: "nu", printf: "^printf '<%s>\\n' ", cursorQuery: true,
		tool: func(t *testing.T) string {
			nu, _ := filepath.Abs(nuPath)
			return testenv.RequireFile(t, nu)
		},
		start: func(t *testing.T, sh, home string) *exec.Cmd {
			// Nu sources only files that exist when config.nu is parsed:
			// env.nu, run before, saves the completion.
			file := filepath.Join(home, "completion.nu")
			os.WriteFile(filepath.Join(home, "env.nu"), []byte("^atmos-auth completion nu | save -f '"+file+"'\n"), 0o644)
			os.WriteFile(filepath.Join(home, "config.nu"), []byte("$env.config.show_banner = false\n"+
				"$env.PROMPT_COMMAND = {|| 'R> ' }\n$env.PROMPT_COMMAND_RIGHT = ''\n$env.PROMPT_INDICATOR = ''\n"+
				// The user's own completer, for another command.
				"$env.config.completions.external.completer = {|spans| if $spans.0 == 'mytool' { ['mine-ok'] } }\n"+
				"source '"+file+"'\n"), 0o644)
			return exec.Command(sh, "--no-std-lib", "--env-config", filepath.Join(home, "env.nu"),
				"--config", filepath.Join(home, "config.nu"))
		}},
}

// TestCompletionHostileNames presses TAB after `atmos-auth logout PREFIX` in
// real bash, zsh, fish, tcsh, elvish and nu, then turns the completed line
// into `printf '<%s>\n' atmos-auth logout ...` and runs it: the shell's own
// parser must read the inserted word back as exactly the name, nothing may
// run on TAB or on Enter, and names that cannot be shown as one line (in
// tcsh: names that need quoting) are not offered.
func TestCompletionHostileNames(t *testing.T) {
	bin := testenv.AtmosAuth(t)
	for _, cs := range completionShells {
		t.Run(cs.name, func(t *testing.T) {
			var sh string
			if cs.tool != nil {
				sh = cs.tool(t)
			} else {
				sh = testenv.RequireTool(t, cs.name)
			}
			dir, env := testEnv(t)
			home := filepath.Join(dir, "home")
			hostileConfig(t, dir, append(append([]string{}, offeredNames...), refusedNames...)...)
			cmd := cs.start(t, sh, home)
			cmd.Dir = dir
			cmd.Env = append(env, "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
			ptmx, out := startPTY(t, cmd)
			prompt := func(at int) int {
				if cs.cursorQuery {
					at = out.wait(t, cursorQuery, at)
				}
				return out.wait(t, "R> ", at)
			}
			printf := cs.printf
			if printf == "" {
				printf = "printf '<%s>\\n' "
			}
			at := prompt(0)
			complete := func(args, prefix, want string) {
				t.Helper()
				// TAB, then Ctrl-A and a printf in front of the command.
				line, last := "atmos-auth "+prefix, "atmos-auth"
				if args != "" {
					line = "atmos-auth " + args + " " + prefix
					last = args[strings.LastIndexByte(args, ' ')+1:]
				}
				ptmx.WriteString(line + "\t\x01" + printf + "\r")
				at = out.wait(t, "<"+last+">\r\n<"+want+">\r\n", at)
				at = prompt(at)
			}
			offered := func(prefix, name string) string {
				if cs.plainOnly && !plainName.MatchString(name) {
					return prefix
				}
				return name
			}
			for _, n := range offeredNames {
				complete("logout", n[:2], offered(n[:2], n))
			}
			for _, n := range refusedNames {
				complete("logout", n[:2], n[:2])
			}
			// A name that would be read as a flag is not offered either.
			complete("login -i", "-c", "-c")
			complete("env", "--identity=a1", offered("--identity=a1", "--identity="+offeredNames[0]))
			complete("env", "--identity=c1", "--identity="+offeredNames[11])
			complete("env -i", "a2", offered("a2", offeredNames[1]))
			complete("whoami -i", "c1", offeredNames[11])
			complete("env", "--identity=a7", offered("--identity=a7", "--identity="+offeredNames[6]))
			complete("env", "--identity=b3", offered("--identity=b3", "--identity="+offeredNames[12]))
			// Commands, shells and formats.
			complete("", "comp", "completion")
			complete("completion", "el", "elvish")
			complete("env -f", "js", "json")
			// A file of the repository, completed after --config.
			const file = "ff$(touch mk6)`touch mk7`"
			os.WriteFile(filepath.Join(dir, file), nil, 0o644)
			complete("exec --config", "ff", file)
			if cs.name == "nu" {
				// The completer the user had keeps its commands.
				ptmx.WriteString("mytool mi\t\x01" + printf + "\r")
				at = prompt(out.wait(t, "<mytool>\r\n<mine-ok>\r\n", at))
			}
			ptmx.WriteString("exit\r")
			waitExit(t, cmd, out)
			noMarkers(t, dir, home)
		})
	}
}

// shellPromptName carries every prompt-language payload: command and
// arithmetic substitution, bash's backslash escapes, zsh's % escapes, glob
// characters and what looks like a title escape once its ESC is gone (a
// name with a control character is refused by validate, see
// testdata/broken/name_control_chars.yaml; PromptLiteral's own tests cover
// control characters arriving through the environment).
const shellPromptName = "p$(touch mk1)`touch mk2`;touch mk3;$((6*7))%F{red}%n\\w\\u\\$\\\\x *?[ ~]0;EVIL"

// shellPromptShown is how the prompt must show it: every character as
// itself.
const shellPromptShown = "[p$(touch mk1)`touch mk2`;touch mk3;$((6*7))%F{red}%n\\w\\u\\$\\\\x *?[ ~]0;EVIL] S> "

type promptShell struct {
	name string
	// rc writes the user's own configuration (prompt "S> ") into home.
	rc func(home string)
}

var promptShells = []promptShell{
	{"bash", func(home string) {
		os.WriteFile(filepath.Join(home, ".bashrc"), []byte("PS1='S> '\n"), 0o644)
	}},
	{"zsh", func(home string) {
		os.WriteFile(filepath.Join(home, ".zshrc"), []byte("setopt PROMPT_SUBST\nPS1='S> '\nunsetopt zle\n"), 0o644)
	}},
	{"fish", func(home string) {
		conf := filepath.Join(home, ".config", "fish")
		os.MkdirAll(conf, 0o755)
		os.WriteFile(filepath.Join(conf, "config.fish"), []byte("function fish_prompt; printf 'S> '; end\nfunction fish_greeting; end\n"), 0o644)
	}},
}

// TestShellPromptHostileName starts `atmos-auth shell -i NAME` on a terminal
// in bash, zsh (PROMPT_SUBST set) and fish with a name full of payloads,
// lets the prompt render several times, and checks that nothing ran, that
// the prompt shows the name literally and that the name's escape sequence
// never reached the terminal.
func TestShellPromptHostileName(t *testing.T) {
	bin := testenv.AtmosAuth(t)
	for _, ps := range promptShells {
		t.Run(ps.name, func(t *testing.T) {
			sh := testenv.RequireTool(t, ps.name)
			dir, env := testEnv(t)
			home := filepath.Join(dir, "home")
			hostileConfig(t, dir, shellPromptName)
			ps.rc(home)
			cmd := exec.Command(bin, "shell", "-i", shellPromptName, "--shell", sh)
			cmd.Dir = dir
			cmd.Env = env
			ptmx, out := startPTY(t, cmd)
			at := out.wait(t, shellPromptShown, 0)
			for range 3 {
				ptmx.WriteString("true\r")
				at = out.wait(t, shellPromptShown, at)
			}
			ptmx.WriteString("exit\r")
			waitExit(t, cmd, out)
			noMarkers(t, dir, home)
			if strings.Contains(out.String(), "\x1b]0;EVIL") {
				t.Errorf("the name's escape sequence reached the terminal:\n%q", out.String())
			}
		})
	}
}

// TestPromptCmdControlChars: `atmos-auth prompt` output goes into prompts;
// control characters in the identity are shown, not sent.
func TestPromptCmdControlChars(t *testing.T) {
	bin := testenv.AtmosAuth(t)
	_, env := testEnv(t)
	for _, f := range []string{"text", "long"} {
		cmd := exec.Command(bin, "prompt", "-f", f)
		cmd.Env = append(env, "ATMOS_IDENTITY=dev\x1b]0;EVIL\x07\u009b2J", "AWS_PROFILE=x\x1b[2J")
		b, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(string(b), "\x1b\x07\u009b") {
			t.Errorf("-f %s: raw control characters: %q", f, b)
		}
		if !strings.HasPrefix(string(b), `dev\x1b]0;EVIL\x07\u009b2J`) {
			t.Errorf("-f %s: %q does not show the name", f, b)
		}
	}
}
