package aws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// endpointCall is one request to a credentials endpoint of the host (the
// container endpoint, IMDS): bounded by the call timeout, on the bounded
// client, its answer by maxAnswer; no answer is an *auth.NetworkError
// naming the endpoint and the variable that sets it.
type endpointCall struct {
	service, op string // for messages: "IMDS", "GetToken"
	setting     string // what sets the endpoint
	method, url string
	header      map[string]string
}

// send returns the answer's status and body.
func (c endpointCall) send(ctx context.Context, a *auth.Authenticator) (int, []byte, error) {
	bound := a.CallTimeout()
	cctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	req, err := newRequest(cctx, c.method, c.url, nil, c.header)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w (%s)", c.service, c.op, err, c.setting)
	}
	resp, data, err := exchange(a, req)
	if te, ok := errors.AsType[*transportError](err); ok {
		return 0, nil, c.netErr(ctx, cctx, req, bound, te.err)
	}
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: the answer of %s is larger than %d bytes", c.service, c.op, req.URL.Host, maxAnswer)
	}
	return resp.StatusCode, data, nil
}

func (c endpointCall) netErr(parent, cctx context.Context, req *http.Request, bound time.Duration, err error) error {
	if errors.Is(parent.Err(), context.Canceled) {
		return parent.Err() // Ctrl-C: not a network failure
	}
	return &auth.NetworkError{Service: c.service, Operation: c.op, Endpoint: req.URL.Scheme + "://" + req.URL.Host,
		Bound: bound, Timeout: timedOut(cctx, err), Setting: c.setting, Err: err}
}
