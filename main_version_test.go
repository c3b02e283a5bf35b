package main

import (
	"debug/buildinfo"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// TestVersionFlag: `--version` prints what the binary really is: the
// version given at link time (make build: -X main.version=...), else what
// the Go toolchain recorded in the binary (module version, commit), never
// a made-up constant.
func TestVersionFlag(t *testing.T) {
	t.Run("build info", func(t *testing.T) {
		bin := testenv.AtmosAuth(t)
		bi, err := buildinfo.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.TrimSpace(versionOf(t, bin))
		var rev string
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				rev = s.Value
			}
		}
		switch {
		case bi.Main.Version != "" && bi.Main.Version != "(devel)":
			if !strings.HasPrefix(got, bi.Main.Version) {
				t.Fatalf("--version %q, the binary says its version is %q", got, bi.Main.Version)
			}
		case rev != "":
			if !strings.Contains(got, rev[:12]) {
				t.Fatalf("--version %q does not name the commit %s", got, rev)
			}
		default:
			if got != "devel (no version control information)" {
				t.Fatalf("--version %q for a build without version information", got)
			}
		}
	})

	t.Run("ldflags", func(t *testing.T) {
		bin := filepath.Join(t.TempDir(), "atmos-auth")
		out, err := exec.Command("go", "build", "-ldflags", "-X main.version=v9.8.7-test", "-o", bin, ".").CombinedOutput()
		if err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		if got := versionOf(t, bin); got != "v9.8.7-test\n" {
			t.Fatalf("--version %q, want the link-time v9.8.7-test", got)
		}
	})
}

func versionOf(t *testing.T, bin string) string {
	t.Helper()
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("%s --version: %v", bin, err)
	}
	return string(out)
}

// TestBuildVersion: each kind of build information gives its version.
func TestBuildVersion(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "544bc0994767096de2b5fc029164451a4880e791"
	for _, c := range []struct {
		main     string
		settings []debug.BuildSetting
		want     string
	}{
		{"v1.2.3", nil, "v1.2.3"},
		{"v1.2.3", vcs(rev, "false"), "v1.2.3 (commit 544bc0994767)"},
		{"v0.0.0-20261202130658-544bc0994767+dirty", vcs(rev, "true"), "v0.0.0-20261202130658-544bc0994767+dirty"},
		{"(devel)", vcs(rev, "false"), "devel (commit 544bc0994767)"},
		{"(devel)", vcs(rev, "true"), "devel (commit 544bc0994767+dirty)"},
		{"(devel)", nil, "devel (no version control information)"},
	} {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/atmos-auth/atmos-auth", Version: c.main}, Settings: c.settings}
		if got := buildVersion(bi); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.main, c.settings, got, c.want)
		}
	}
}
