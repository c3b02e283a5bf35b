package hooks_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
	"github.com/atmos-auth/atmos-auth/localcloud"
)

// truthConfig has two AWS roles the local cloud knows, reached from
// ambient access keys (which the local cloud takes for its IAM user).
const truthConfig = `auth:
  identities:
    base: {kind: aws/ambient}
    prod-admin:
      kind: aws/assume-role
      via: {identity: base}
      principal: {assume_role: "arn:aws:iam::999999999999:role/ProductionAdmin", region: eu-west-1}
    dev-readonly:
      kind: aws/assume-role
      via: {identity: base}
      principal: {assume_role: "arn:aws:iam::222222222222:role/DevAdmin", region: eu-west-1}
`

// truthShells are the shells the hook's truth tests run in.
func truthShells() []ptyShell {
	var out []ptyShell
	for _, sh := range ptyShells {
		if sh.name == "bash" || sh.name == "zsh" || sh.name == "fish" {
			out = append(out, sh)
		}
	}
	return out
}

// startCloud starts a local cloud for the test and returns the
// environment pointing atmos-auth at it, with ambient access keys.
func startCloud(t *testing.T) []string {
	t.Helper()
	srv := localcloud.New()
	if err := srv.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return []string{"AWS_ENDPOINT_URL=" + srv.URL(), "AWS_ACCESS_KEY_ID=AKIAAMBIENTEXAMPLE", "AWS_SECRET_ACCESS_KEY=ambient-secret"}
}

// run runs bin with args and the fixture's environment in dir.
func (f *truthFixture) run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(f.bin, args...)
	cmd.Env, cmd.Dir = f.env, dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// capture runs a command line in the shell with its stdout to a new file
// and returns what it wrote.
func (p *term) capture(root, line string) string {
	p.t.Helper()
	p.step++
	out := filepath.Join(root, "out", "c"+strings.Repeat("s", p.step))
	p.send(line + " > " + out + ".tmp; mv " + out + ".tmp " + out)
	return string(p.waitFile(out))
}

// truthFixture is a fresh machine (no trust database) with the hook
// installed in sh's rc file, the identity files given (directory under w →
// content) and the atmos.yaml of testConfig.
type truthFixture struct {
	bin, root, home, w string
	env                []string
}

func newTruthFixture(t *testing.T, sh ptyShell, files map[string]string, extraEnv ...string) *truthFixture {
	return newTruthFixtureConfig(t, sh, testConfig, files, extraEnv...)
}

func newTruthFixtureConfig(t *testing.T, sh ptyShell, config string, files map[string]string, extraEnv ...string) *truthFixture {
	t.Helper()
	sh.argv(t, "") // skips when the shell is missing
	f := &truthFixture{bin: testenv.AtmosAuth(t), root: t.TempDir()}
	f.home, f.w = filepath.Join(f.root, "home"), filepath.Join(f.root, "w")
	for _, d := range []string{f.home + "/.config/fish", f.root + "/out", f.w} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	mustWrite(t, f.root+"/atmos.yaml", config)
	for d, c := range files {
		if err := os.MkdirAll(filepath.Join(f.w, d), 0o755); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, filepath.Join(f.w, d, ".atmos-identity"), c)
		if sh.recentFixtures {
			old := time.Now().Add(-time.Hour)
			os.Chtimes(filepath.Join(f.w, d, ".atmos-identity"), old, old)
		}
	}
	f.env = append(append(testenv.HomeEnv(t, f.home), "ATMOS_CLI_CONFIG_PATH="+f.root+"/atmos.yaml"), extraEnv...)
	installHook(t, sh, f.bin, f.bin, f.home, f.root, f.env)
	return f
}

func (f *truthFixture) allow(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command(f.bin, "allow", filepath.Join(f.w, dir))
	cmd.Env = f.env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("allow: %v\n%s", err, out)
	}
}

// TestHookPTYFirstAllow: on a machine where nothing was ever allowed (no
// trust database), the first `atmos-auth allow` takes effect at the next
// prompt, without leaving the directory.
func TestHookPTYFirstAllow(t *testing.T) {
	for _, sh := range ptyShells {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			f := newTruthFixture(t, sh, map[string]string{"aws": "identity: role\n"})
			if _, err := os.Stat(f.home + "/.local/share/atmos/trust"); err == nil {
				t.Fatal("the fixture has a trust database")
			}
			p := startShell(t, sh, f.home, f.w, f.env)
			e := p.at(f.root, "cd aws")
			if e["ATMOS_IDENTITY"] != "" {
				t.Fatalf("a pending file was applied: ATMOS_IDENTITY=%q", e["ATMOS_IDENTITY"])
			}
			e = p.at(f.root, f.bin+" allow")
			if e["ATMOS_IDENTITY"] != "role" || e["AWS_PROFILE"] != "role" {
				t.Errorf("after the first allow: ATMOS_IDENTITY=%q AWS_PROFILE=%q, want role; terminal:\n%s",
					e["ATMOS_IDENTITY"], e["AWS_PROFILE"], p.output())
			}
			if strings.Contains(p.output(), "command not found") {
				t.Errorf("shell errors:\n%s", p.output())
			}
		})
	}
}

// TestHookPTYPromptExpiry: the prompt's time left is that of the cached
// credentials of the identity in effect, not what the environment said
// when the shell entered the directory: entering before logging in, the
// prompt shows the time as soon as the login is done.
func TestHookPTYPromptExpiry(t *testing.T) {
	for _, sh := range truthShells() {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			f := newTruthFixtureConfig(t, sh, truthConfig, map[string]string{"prod": "identity: prod-admin\n"}, startCloud(t)...)
			f.allow(t, "prod")
			p := startShell(t, sh, f.home, f.w, f.env)
			p.at(f.root, "cd prod")
			if got := p.capture(f.root, f.bin+" prompt"); got != "prod-admin\n" {
				t.Errorf("before login, prompt = %q, want %q", got, "prod-admin\n")
			}
			f.run(t, f.root, "login", "-i", "prod-admin")
			got := p.capture(f.root, f.bin+" prompt")
			if !regexp.MustCompile(`^prod-admin \((\d+m|\d+h\d\dm)\)\n$`).MatchString(got) {
				t.Errorf("after login, prompt = %q, want the time left of the cached credentials", got)
			}
			e := p.at(f.root, "")
			if e["AWS_CREDENTIAL_EXPIRATION"] != "" {
				t.Fatalf("the fixture is wrong: the environment has an expiry %q", e["AWS_CREDENTIAL_EXPIRATION"])
			}
		})
	}
}

// TestHookPTYExplicitWins: an identity chosen explicitly (atmos-auth shell
// -i, exec -i, export ATMOS_IDENTITY) is the one the credentials come
// from, whatever identity file the shell is under: the hook stands aside
// and says so once.
func TestHookPTYExplicitWins(t *testing.T) {
	const aside = "was chosen explicitly"
	for _, sh := range truthShells() {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			f := newTruthFixtureConfig(t, sh, truthConfig, map[string]string{"infra/prod": "identity: prod-admin\n"})
			f.allow(t, "infra/prod")
			p := startShell(t, sh, f.home, f.w, f.env)
			e := p.at(f.root, "cd infra/prod")
			if e["AWS_PROFILE"] != "prod-admin" {
				t.Fatalf("the directory's identity is not applied: AWS_PROFILE=%q", e["AWS_PROFILE"])
			}
			argv := sh.argv(t, f.home)

			// atmos-auth shell -i: the subshell's hook stands aside.
			e = p.at(f.root, f.bin+" shell -i dev-readonly --shell "+argv[0])
			for k, want := range map[string]string{"ATMOS_IDENTITY": "dev-readonly", "AWS_PROFILE": "dev-readonly", "ATMOS_SHELL_STACK": "dev-readonly"} {
				if e[k] != want {
					t.Errorf("in atmos-auth shell -i dev-readonly under infra/prod: %s=%q, want %q", k, e[k], want)
				}
			}
			p.at(f.root, "cd ..")
			e = p.at(f.root, "cd prod")
			if e["AWS_PROFILE"] != "dev-readonly" {
				t.Errorf("re-entering infra/prod in the subshell: AWS_PROFILE=%q, want dev-readonly", e["AWS_PROFILE"])
			}
			if n := p.countOutput(aside, 1); n != 1 {
				t.Errorf("the hook said %d times that it stands aside, want once; terminal:\n%s", n, p.output())
			}
			// atmos-auth shell relays the terminal until it exits: type
			// on only once the first shell prompts again.
			n := strings.Count(p.output(), "P[prod-admin]> ")
			p.send("exit")
			p.waitOutput("P[prod-admin]> ", n+1)
			e = p.at(f.root, "")
			if e["AWS_PROFILE"] != "prod-admin" {
				t.Errorf("back in the first shell: AWS_PROFILE=%q, want prod-admin", e["AWS_PROFILE"])
			}

			// atmos-auth exec -i starting an interactive shell.
			e = p.at(f.root, f.bin+" exec -i dev-readonly -- "+strings.Join(argv, " "))
			if e["ATMOS_IDENTITY"] != "dev-readonly" || e["AWS_PROFILE"] != "dev-readonly" {
				t.Errorf("in atmos-auth exec -i dev-readonly under infra/prod: ATMOS_IDENTITY=%q AWS_PROFILE=%q, want dev-readonly",
					e["ATMOS_IDENTITY"], e["AWS_PROFILE"])
			}
			p.at(f.root, "exit")

			// A plain subshell inherits the directory's identity and keeps
			// switching by directory.
			e = p.at(f.root, strings.Join(argv, " "))
			p.at(f.root, "cd "+f.w)
			e = p.at(f.root, "cd infra/prod")
			if e["AWS_PROFILE"] != "prod-admin" {
				t.Errorf("a plain subshell re-entering infra/prod: AWS_PROFILE=%q, want prod-admin", e["AWS_PROFILE"])
			}
			p.at(f.root, "exit")

			// ATMOS_IDENTITY the user exports wins too.
			export := "export ATMOS_IDENTITY=dev-readonly"
			if sh.name == "fish" {
				export = "set -gx ATMOS_IDENTITY dev-readonly"
			}
			p.at(f.root, export)
			p.at(f.root, "cd "+f.w)
			e = p.at(f.root, "cd infra/prod")
			if e["ATMOS_IDENTITY"] != "dev-readonly" || e["AWS_PROFILE"] != "" {
				t.Errorf("with ATMOS_IDENTITY exported: ATMOS_IDENTITY=%q AWS_PROFILE=%q, want dev-readonly and the file not applied",
					e["ATMOS_IDENTITY"], e["AWS_PROFILE"])
			}
		})
	}
}

// waitOutput waits (bounded) until s shows up want times in the terminal
// output.
func (p *term) waitOutput(s string, want int) {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(p.output(), s) < want {
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out waiting for %q; terminal:\n%s", s, p.output())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestHookPTYSwitchLine: the hook says on stderr which identity the shell
// now has, with the account and time left of its cached credentials, and
// when it left one; ATMOS_AUTH_HOOK_QUIET turns that off.
func TestHookPTYSwitchLine(t *testing.T) {
	entered := regexp.MustCompile(`atmos-auth: prod-admin \(999999999999, expires in (\d+m|\d+h\d\dm)\)`)
	for _, sh := range truthShells() {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			f := newTruthFixtureConfig(t, sh, truthConfig, map[string]string{"prod": "identity: prod-admin\n"}, startCloud(t)...)
			f.allow(t, "prod")
			f.run(t, f.root, "login", "-i", "prod-admin")
			p := startShell(t, sh, f.home, f.w, f.env)
			p.at(f.root, "cd prod")
			p.at(f.root, "cd "+f.w)
			// What the shell prints after the hook's lines: once it shows,
			// the terminal has shown them.
			p.send("echo mark | tr a-z A-Z")
			p.waitOutput("MARK", 1)
			out := p.output()
			if n := len(entered.FindAllString(out, -1)); n != 1 {
				t.Errorf("entering prod: %d lines matching %s, want 1; terminal:\n%s", n, entered, out)
			}
			if n := strings.Count(out, "atmos-auth: left prod-admin"); n != 1 {
				t.Errorf("leaving prod: %d lines \"left prod-admin\", want 1; terminal:\n%s", n, out)
			}
			quiet := "export ATMOS_AUTH_HOOK_QUIET=1"
			if sh.name == "fish" {
				quiet = "set -gx ATMOS_AUTH_HOOK_QUIET 1"
			}
			p.at(f.root, quiet)
			e := p.at(f.root, "cd prod")
			p.at(f.root, "cd "+f.w)
			p.send("echo mark | tr a-z A-Z")
			p.waitOutput("MARK", 2)
			if e["ATMOS_IDENTITY"] != "prod-admin" {
				t.Errorf("quiet: ATMOS_IDENTITY=%q, want prod-admin", e["ATMOS_IDENTITY"])
			}
			out = p.output()
			if len(entered.FindAllString(out, -1)) != 1 || strings.Count(out, "left prod-admin") != 1 {
				t.Errorf("ATMOS_AUTH_HOOK_QUIET=1 did not silence the hook; terminal:\n%s", out)
			}
		})
	}
}

// TestHookPTYSwitchOnCd: the identity switches on `cd` itself, so a
// command on the same line as the cd (`cd infra/dev && cmd`) runs with
// the new identity, not the one of the last prompt. zsh runs the hook
// from chpwd_functions and fish on the PWD variable event, as direnv
// does; bash has no hook on cd (README).
func TestHookPTYSwitchOnCd(t *testing.T) {
	for _, sh := range truthShells() {
		if sh.name == "bash" {
			continue
		}
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			f := newTruthFixtureConfig(t, sh, truthConfig, map[string]string{
				"infra/prod": "identity: prod-admin\n", "infra/dev": "identity: dev-readonly\n"})
			f.allow(t, "infra/prod")
			f.allow(t, "infra/dev")
			p := startShell(t, sh, f.home, f.w, f.env)
			if e := p.at(f.root, "cd infra/prod"); e["AWS_PROFILE"] != "prod-admin" {
				t.Fatalf("the fixture is wrong: AWS_PROFILE=%q in infra/prod", e["AWS_PROFILE"])
			}
			if got := p.capture(f.root, `cd ../dev && printf '%s\n' "$AWS_PROFILE"`); got != "dev-readonly\n" {
				t.Errorf("cd ../dev && printf $AWS_PROFILE printed %q, want dev-readonly; terminal:\n%s", got, p.output())
			}
			// Leaving every tree on the command line drops the identity.
			if got := p.capture(f.root, `cd `+f.root+` && printf '%s\n' "$AWS_PROFILE"`); got != "\n" {
				t.Errorf("cd out of the trees && printf $AWS_PROFILE printed %q, want nothing", got)
			}
			// The prompt after the cd has nothing left to do: one switch
			// line per cd, none repeated.
			e := p.at(f.root, "")
			if e["AWS_PROFILE"] != "" || e["ATMOS_IDENTITY"] != "" {
				t.Errorf("after leaving: AWS_PROFILE=%q ATMOS_IDENTITY=%q, want none", e["AWS_PROFILE"], e["ATMOS_IDENTITY"])
			}
			if n := p.countOutput("atmos-auth: dev-readonly", 1); n != 1 {
				t.Errorf("%d switch lines for dev-readonly, want 1; terminal:\n%s", n, p.output())
			}
		})
	}
}
