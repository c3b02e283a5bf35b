package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/atmos-auth/atmos-auth/localcloud"
)

// localcloudCmds are testscript commands that run a local cloud inside the
// test process for the script's CLI calls:
//
//	localcloud start [auto-approve-delay]  start one; exports $LOCALCLOUD
//	                                       (and its host:port as $LOCALCLOUD_HOST)
//	localcloud calls OP N                  assert OP was served N times
//	localcloud stats                       print the call counters (stdout)
//	localcloud expire-tokens | revoke-refresh | expire-credentials |
//	           revoke-credentials | expire-gcp-tokens
//	localcloud gcp-token FILE PRINCIPAL    assert FILE holds a live GCP token
//	                                       the local cloud issued to PRINCIPAL
//	localcloud jwt FILE SUB TTL            write an (unsigned) OIDC token for SUB
//	                                       expiring in TTL (negative: expired)
var localcloudCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"localcloud": cmdLocalcloud,
	"recorder":   cmdRecorder,
	"localazure": cmdLocalAzure,
	"registry":   cmdRegistry,
	"kubeapi":    cmdKubeAPI,
}

var (
	clouds   = map[*testscript.TestScript]*localcloud.Server{}
	cloudsMu sync.Mutex
)

func cmdLocalcloud(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: localcloud start|calls|stats|expire-tokens|revoke-refresh|expire-credentials")
	}
	cloudsMu.Lock()
	srv := clouds[ts]
	cloudsMu.Unlock()
	if args[0] != "start" && srv == nil {
		ts.Fatalf("localcloud: not started")
	}
	switch args[0] {
	case "start":
		delay := time.Duration(0)
		var extra []localcloud.Option
		for _, a := range args[1:] {
			if opt, ok := localcloudOption(ts, a); ok {
				extra = append(extra, opt)
				continue
			}
			d, err := time.ParseDuration(a)
			ts.Check(err)
			delay = d
		}
		srv = localcloud.New(append([]localcloud.Option{localcloud.WithAutoApprove(delay)}, extra...)...)
		ts.Check(srv.Start("127.0.0.1:0"))
		cloudsMu.Lock()
		clouds[ts] = srv
		cloudsMu.Unlock()
		ts.Defer(func() {
			_ = srv.Close()
			cloudsMu.Lock()
			delete(clouds, ts)
			cloudsMu.Unlock()
		})
		ts.Setenv("LOCALCLOUD", srv.URL())
		ts.Setenv("LOCALCLOUD_HOST", strings.TrimPrefix(srv.URL(), "http://")) // GCE_METADATA_HOST
	case "calls":
		if len(args) != 3 {
			ts.Fatalf("usage: localcloud calls OP N")
		}
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		got := srv.Calls(args[1])
		if (got == n) == neg {
			ts.Fatalf("localcloud: %s served %d times, want %s%d", args[1], got, map[bool]string{true: "not ", false: ""}[neg], n)
		}
	case "stats":
		st := srv.Stats()
		var ops []string
		for op := range st.Calls {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		var b strings.Builder
		for _, op := range ops {
			fmt.Fprintf(&b, "%s %d\n", op, st.Calls[op])
		}
		ts.Stdout().Write([]byte(b.String()))
	case "expire-tokens":
		srv.ExpireTokens()
	case "revoke-refresh":
		srv.RevokeRefreshTokens()
	case "expire-credentials":
		srv.ExpireCredentials()
	case "revoke-credentials":
		srv.RevokeCredentials()
	case "expire-gcp-tokens":
		srv.ExpireGCPTokens()
	case "gcp-token":
		if len(args) != 3 {
			ts.Fatalf("usage: localcloud gcp-token FILE PRINCIPAL")
		}
		who, live := srv.GCPTokenPrincipal(strings.TrimSpace(ts.ReadFile(args[1])))
		if (live && who == args[2]) == neg {
			ts.Fatalf("localcloud: the token in %s belongs to %q (live %v), want %s%q", args[1], who, live, map[bool]string{true: "not ", false: ""}[neg], args[2])
		}
	case "jwt":
		if len(args) != 4 {
			ts.Fatalf("usage: localcloud jwt FILE SUB TTL")
		}
		ttl, err := time.ParseDuration(args[3])
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(localcloud.TestJWT(args[2], time.Now().Add(ttl))), 0o600))
	default:
		ts.Fatalf("localcloud: unknown subcommand %q", args[0])
	}
}
