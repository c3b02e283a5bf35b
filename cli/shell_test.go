package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

const shellConfig = `auth:
  providers:
    gcp-adc: {kind: gcp/adc, project_id: my-gcp-project}
  identities:
    base: {kind: aws/ambient}
    role:
      kind: aws/assume-role
      via: {identity: base}
      principal: {assume_role: "arn:aws:iam::999999999999:role/X", region: eu-west-1}
    gcp:
      kind: gcp/project
      via: {provider: gcp-adc}
      principal: {project_id: production-project}
`

func testEnv(t *testing.T) (dir string, env []string) {
	dir = t.TempDir()
	home := filepath.Join(dir, "home")
	os.MkdirAll(home, 0o755)
	os.WriteFile(filepath.Join(dir, "atmos.yaml"), []byte(shellConfig), 0o644)
	return dir, []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "TERM=dumb", "LANG=C.UTF-8",
		"ATMOS_CLI_CONFIG_PATH=" + filepath.Join(dir, "atmos.yaml"), "XDG_CONFIG_HOME=" + home + "/.config",
		"XDG_DATA_HOME=" + home + "/.local/share", "XDG_CACHE_HOME=" + home + "/.cache", "DBUS_SESSION_BUS_ADDRESS=disabled:"}
}

type ptyOut struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (p *ptyOut) String() string { p.mu.Lock(); defer p.mu.Unlock(); return p.buf.String() }

// wait waits for s to appear after byte offset from of the output and
// returns the offset just past it.
func (p *ptyOut) wait(t *testing.T, s string, from int) int {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		out := p.String()
		if i := strings.Index(out[min(from, len(out)):], s); i >= 0 {
			return from + i + len(s)
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %q; terminal:\n%s", s, p.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestShellPTY starts `atmos-auth shell` on a terminal, nests a second one,
// and checks the prompt stack, ATMOS_SHLVL, the environment and that exit
// codes pass through at both levels.
func TestShellPTY(t *testing.T) {
	bash := testenv.RequireTool(t, "bash")
	bin := testenv.AtmosAuth(t)
	dir, env := testEnv(t)
	os.WriteFile(filepath.Join(dir, "home", ".bashrc"), []byte("PS1='S> '\n"), 0o644)
	cmd := exec.Command(bin, "shell", "-i", "role", "--shell", bash)
	cmd.Env = append(env, "AWS_PROFILE=mine")
	ptmx, out := startPTY(t, cmd)
	send := func(s string) { ptmx.WriteString(s + "\r") }
	at := out.wait(t, "[role] S> ", 0)
	send(`echo "lvl=$ATMOS_SHLVL p=$AWS_PROFILE"`)
	at = out.wait(t, "lvl=1 p=role", at)
	send(bin + " shell -i gcp --shell " + bash)
	at = out.wait(t, "[role > gcp] S> ", at)
	send(`echo "lvl=$ATMOS_SHLVL g=$GOOGLE_CLOUD_PROJECT"`)
	at = out.wait(t, "lvl=2 g=production-project", at)
	send("exit 3")
	at = out.wait(t, "exit", at)
	at = out.wait(t, "[role] S> ", at)
	send(`echo "inner=$?"`)
	out.wait(t, "inner=3", at)
	send("exit 5")
	waitExit(t, cmd, out)
	if code := cmd.ProcessState.ExitCode(); code != 5 {
		t.Errorf("exit: %v, want status 5", cmd.ProcessState)
	}
}

// TestShellNoTTY runs the shell plainly when stdin is not a terminal.
func TestShellNoTTY(t *testing.T) {
	bash := testenv.RequireTool(t, "bash")
	bin := testenv.AtmosAuth(t)
	_, env := testEnv(t)
	cmd := exec.Command(bin, "shell", "-i", "role", "--shell", bash)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(`echo "p=$AWS_PROFILE s=$ATMOS_SHELL_STACK"; exit 4` + "\n")
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 4 {
		t.Errorf("exit: %v, want 4", err)
	}
	if string(out) != "p=role s=role\n" {
		t.Errorf("output %q", out)
	}
}

// TestBashCompletion loads the completion in a real bash and completes an
// identity name after -i, a command, and --identity=.
func TestBashCompletion(t *testing.T) {
	bash := testenv.RequireTool(t, "bash")
	bin := testenv.AtmosAuth(t)
	_, env := testEnv(t)
	binDir := filepath.Dir(bin)
	script := `source <(atmos-auth completion bash)
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _atmos_auth_complete; printf '%s ' "${COMPREPLY[@]}"; echo; }
complete_words atmos-auth exec -i r
complete_words atmos-auth en
complete_words atmos-auth env --identity=g
complete_words atmos-auth env -f js
complete_words atmos-auth login -o j
complete_words atmos-auth list -o me
complete_words atmos-auth prompt -f lo
complete_words atmos-auth env --exp
complete_words atmos-auth login r
complete_words atmos-auth logout r
complete_words atmos-auth hook z
complete_words atmos-auth whoami --ver
`
	cmd := exec.Command(bash, "--norc", "--noprofile", "-c", script)
	cmd.Env = append(env, "PATH="+binDir+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// login takes no identity argument (-i does that): nothing; logout
	// does; -o and -f values are those of each command.
	want := "role \nenv \n--identity=gcp \njson \njson \nmermaid \nlong \n--export-credentials \n \nrole \nzsh \n--verify --version \n"
	if string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}
