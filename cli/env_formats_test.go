package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/formats"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// TestEnvFormatsEverywhere: every environment output of formats.Env is
// accepted by `env -f NAME`, and `env --help`, `__complete formats`, every
// completion script and README.md list exactly those names.
func TestEnvFormatsEverywhere(t *testing.T) {
	bin := testenv.AtmosAuth(t)
	dir, env := testEnv(t)
	names := formats.EnvNames()
	run := func(extraEnv []string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir, cmd.Env = dir, append(slices.Clone(env), extraEnv...)
		out, err := cmd.Output()
		if err != nil {
			t.Errorf("atmos-auth %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	t.Run("env -f", func(t *testing.T) {
		for _, n := range names {
			if a, ok := formats.Env[n].(formats.EnvAppender); ok {
				file := filepath.Join(t.TempDir(), a.FileVar())
				run([]string{a.FileVar() + "=" + file}, "env", "-i", "gcp", "-f", n)
				if data, _ := os.ReadFile(file); !strings.Contains(string(data), "production-project") {
					t.Errorf("env -f %s: $%s holds %q", n, a.FileVar(), data)
				}
				continue
			}
			if out := run(nil, "env", "-i", "gcp", "-f", n); !strings.Contains(out, "production-project") {
				t.Errorf("env -f %s printed %q", n, out)
			}
		}
	})

	t.Run("help", func(t *testing.T) {
		help := strings.Join(strings.Fields(run(nil, "env", "--help")), " ")
		m := regexp.MustCompile(`Output format: (.*?)\. `).FindStringSubmatch(help)
		if m == nil {
			t.Fatalf("no --format help in %q", help)
		}
		listed := regexp.MustCompile(` \([^)]*\)`).ReplaceAllString(m[1], "")
		if want := strings.Join(names, ", "); listed != want {
			t.Errorf("--format help lists %q, want %q", listed, want)
		}
	})

	t.Run("__complete formats", func(t *testing.T) {
		if got, want := run(nil, "__complete", "formats"), strings.Join(names, "\n")+"\n"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})

	t.Run("completion scripts", func(t *testing.T) {
		help := run(nil, "completion", "--help")
		shells := regexp.MustCompile(`(?m)^ +(\w+) +.*atmos-auth completion \w+`).FindAllStringSubmatch(help, -1)
		if len(shells) == 0 {
			t.Fatalf("completion --help lists no shells:\n%s", help)
		}
		for _, m := range shells {
			if script := run(nil, "completion", m[1]); !strings.Contains(script, strings.Join(names, " ")) {
				t.Errorf("completion %s does not offer %q", m[1], strings.Join(names, " "))
			}
		}
	})

	t.Run("README", func(t *testing.T) {
		readme, err := os.ReadFile("../README.md")
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^eval "\$\(atmos-auth env .*--format ([a-z]+(?:\|[a-z]+)*)$`).FindSubmatch(readme)
		if m == nil {
			t.Fatal("README.md has no `eval \"$(atmos-auth env ...)\" # ... --format a|b|c` line")
		}
		listed := strings.Split(string(m[1]), "|")
		slices.Sort(listed)
		if !slices.Equal(listed, names) {
			t.Errorf("README.md lists env formats %q, want %q", listed, names)
		}
	})
}
