package main

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/atmos-auth/atmos-auth/localcloud"
)

// localazure is the testscript command of the local Azure cloud (Entra ID
// token authority and ARM over HTTPS, localcloud/azure.go):
//
//	localazure start [approve-delay]   start one; exports $LOCALAZURE (https
//	                                   base URL), $LOCALAZURE_CA (its
//	                                   certificate) and points SSL_CERT_FILE
//	                                   and REQUESTS_CA_BUNDLE at it
//	localazure calls OP N              assert OP was served N times
//	localazure stats                   print the counters
//	localazure next-device declined|expired
//	localazure fail-token AADSTS-CODE  the next token request fails so
//	localazure revoke-refresh | token-ttl DURATION
func cmdLocalAzure(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: localazure start|calls|stats|next-device|fail-token|revoke-refresh|token-ttl")
	}
	azuresMu.Lock()
	srv := azures[ts]
	azuresMu.Unlock()
	if args[0] != "start" && srv == nil {
		ts.Fatalf("localazure: not started")
	}
	switch args[0] {
	case "start":
		srv = localcloud.NewAzure()
		if len(args) > 1 {
			d, err := time.ParseDuration(args[1])
			ts.Check(err)
			srv.SetApproveDelay(d)
		}
		ts.Check(srv.Start("127.0.0.1:0"))
		azuresMu.Lock()
		azures[ts] = srv
		azuresMu.Unlock()
		ts.Defer(func() {
			_ = srv.Close()
			azuresMu.Lock()
			delete(azures, ts)
			azuresMu.Unlock()
		})
		ca := filepath.Join(ts.Getenv("WORK"), "localazure-ca.pem")
		ts.Check(os.WriteFile(ca, srv.CAPEM(), 0o644))
		ts.Setenv("LOCALAZURE", srv.URL())
		ts.Setenv("LOCALAZURE_CA", ca)
		ts.Setenv("SSL_CERT_FILE", ca)
		ts.Setenv("REQUESTS_CA_BUNDLE", ca)
	case "calls":
		if len(args) != 3 {
			ts.Fatalf("usage: localazure calls OP N")
		}
		n, err := strconv.Atoi(args[2])
		ts.Check(err)
		if got := srv.Calls(args[1]); (got == n) == neg {
			ts.Fatalf("localazure: %s served %d times, want %s%d", args[1], got, map[bool]string{true: "not ", false: ""}[neg], n)
		}
	case "stats":
		st := srv.AllCalls()
		var ops []string
		for op := range st {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		for _, op := range ops {
			ts.Stdout().Write([]byte(op + " " + strconv.Itoa(st[op]) + "\n"))
		}
	case "next-device":
		srv.NextDevice(args[1])
	case "fail-token":
		srv.FailNextToken(args[1])
	case "revoke-refresh":
		srv.RevokeRefreshTokens()
	case "token-ttl":
		d, err := time.ParseDuration(args[1])
		ts.Check(err)
		srv.SetTokenTTL(d)
	default:
		ts.Fatalf("localazure: unknown subcommand %q", args[0])
	}
}

var (
	azures   = map[*testscript.TestScript]*localcloud.Azure{}
	azuresMu sync.Mutex
)
