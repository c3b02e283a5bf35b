package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/atmos-auth/atmos-auth/cli"
	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"atmos-auth":       func() { os.Exit(run(os.Args[1:], cli.Globals{})) },
		"azidentity-probe": azidentityProbe,
		"sdk-caller":       sdkCaller,
	})
}

// TestScripts runs the CLI behaviour scripts under testdata/script.
func TestScripts(t *testing.T) {
	// Scripts guard shell checks with [exec:zsh] and the like, which skip
	// quietly when a shell is missing: in CI every one must be there.
	if testenv.InCI() {
		t.Setenv("PATH", mustAbs("scripts/npm/node_modules/@nushell/linux-x64/bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
		for _, sh := range []string{"bash", "zsh", "fish", "tcsh", "elvish", "nu", "az", "aws", "docker", "kubectl"} {
			testenv.RequireTool(t, sh)
		}
		testenv.RequireTool(t, "gcloud") // the gcp_ scripts; on the machine image
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			// A clean, private environment for every script.
			e.Setenv("HOME", e.WorkDir+"/home")
			e.Setenv("XDG_CONFIG_HOME", e.WorkDir+"/home/.config")
			e.Setenv("XDG_DATA_HOME", e.WorkDir+"/home/.local/share")
			e.Setenv("XDG_CACHE_HOME", e.WorkDir+"/home/.cache")
			e.Setenv("CI", "true")
			e.Setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:")
			e.Setenv("REFERENCE", mustAbs("testdata/reference"))
			// nushell comes from npm (scripts/install-test-deps.sh): on PATH
			// when installed, so that scripts can say [exec:nu].
			if nu := mustAbs("scripts/npm/node_modules/@nushell/linux-x64/bin"); isDir(nu) {
				e.Setenv("PATH", nu+string(os.PathListSeparator)+e.Getenv("PATH"))
			}
			return nil
		},
		RequireExplicitExec: true,
		Cmds:                localcloudCmds,
	})
}

func mustAbs(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return wd + "/" + p
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
