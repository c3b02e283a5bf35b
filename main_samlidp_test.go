package main

import (
	"os/exec"
	"strconv"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// samlidp is a testscript command running the independent SAML IdP (npm
// samlp behind a sign-in form, scripts/npm/saml-idp.mjs) for the script:
//
//	samlidp start ARGS...   start it (ARGS: the script's flags); exports
//	                        $SAMLIDP (its base URL; the sign-in is /sso)
//	samlidp stat NAME N     assert its counter NAME (logins, failures,
//	                        assertions) is N
//
// A missing node, samlp or chromium fails the script (the test
// dependencies script installs them).
func init() { localcloudCmds["samlidp"] = cmdSAMLIdP }

var (
	samlIdPs   = map[*testscript.TestScript]*testenv.SAMLIdP{}
	samlIdPsMu sync.Mutex
)

func cmdSAMLIdP(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: samlidp start ARGS... | stat NAME N")
	}
	samlIdPsMu.Lock()
	idp := samlIdPs[ts]
	samlIdPsMu.Unlock()
	switch args[0] {
	case "start":
		for _, tool := range []string{"node", "chromium"} {
			if _, err := exec.LookPath(tool); err != nil {
				ts.Fatalf("%s is not installed: run scripts/install-test-deps.sh", tool)
			}
		}
		i, err := testenv.StartSAMLIdPIn(mustAbs("."), ts.MkAbs("."), args[1:]...)
		if err != nil {
			ts.Fatalf("%v: run scripts/install-test-deps.sh", err)
		}
		samlIdPsMu.Lock()
		samlIdPs[ts] = i
		samlIdPsMu.Unlock()
		ts.Defer(func() {
			i.Close()
			samlIdPsMu.Lock()
			delete(samlIdPs, ts)
			samlIdPsMu.Unlock()
		})
		ts.Setenv("SAMLIDP", i.URL)
	case "stat":
		if idp == nil || len(args) != 3 {
			ts.Fatalf("usage: samlidp stat NAME N (after samlidp start)")
		}
		want, err := strconv.Atoi(args[2])
		ts.Check(err)
		st, err := idp.Stats()
		ts.Check(err)
		if (st[args[1]] == want) == neg {
			ts.Fatalf("samlidp: %s is %d, want %d (%v)", args[1], st[args[1]], want, st)
		}
	default:
		ts.Fatalf("samlidp: unknown subcommand %q", args[0])
	}
}
