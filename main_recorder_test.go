package main

import (
	"regexp"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/atmos-auth/atmos-auth/internal/testenv"
)

// recorder is an endpoint a hostile configuration points at: it keeps
// every request whole (request line, headers, body) and refuses it.
//
//	recorder start       start one; exports $RECORDER
//	recorder no-secrets  fail if any request it got holds any secret the
//	                     script's local cloud ever issued (client ids and
//	                     secrets, device codes, access and refresh tokens,
//	                     access keys, secret keys, session tokens)
//	recorder saw REGEXP  fail unless some request matches REGEXP
var (
	recorders   = map[*testscript.TestScript]*testenv.Recorder{}
	recordersMu sync.Mutex
)

func cmdRecorder(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || (args[0] == "saw") != (len(args) == 2) {
		ts.Fatalf("usage: recorder start|no-secrets|saw REGEXP")
	}
	recordersMu.Lock()
	r := recorders[ts]
	recordersMu.Unlock()
	switch args[0] {
	case "start":
		r = testenv.NewRecorder()
		recordersMu.Lock()
		recorders[ts] = r
		recordersMu.Unlock()
		ts.Defer(func() {
			r.Close()
			recordersMu.Lock()
			delete(recorders, ts)
			recordersMu.Unlock()
		})
		ts.Setenv("RECORDER", r.URL)
	case "saw":
		if r == nil {
			ts.Fatalf("recorder: not started")
		}
		re, err := regexp.Compile(args[1])
		ts.Check(err)
		reqs := r.Requests()
		for _, req := range reqs {
			if re.MatchString(req) {
				return
			}
		}
		ts.Fatalf("recorder: no request matches %q (%d request(s))", args[1], len(reqs))
	case "no-secrets":
		if r == nil {
			ts.Fatalf("recorder: not started")
		}
		cloudsMu.Lock()
		srv := clouds[ts]
		cloudsMu.Unlock()
		if srv == nil {
			ts.Fatalf("recorder no-secrets: start the local cloud first")
		}
		secrets := srv.Secrets()
		if len(secrets) == 0 {
			ts.Fatalf("recorder no-secrets: the local cloud issued no secret: nothing to check")
		}
		if req, found := r.FindSecret(secrets); found {
			ts.Fatalf("recorder received a secret of the local cloud:\n%s", req)
		}
		ts.Logf("recorder: %d request(s), no secret", len(r.Requests()))
	default:
		ts.Fatalf("recorder: unknown subcommand %q", args[0])
	}
}
