package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"time"
)

// process runs the profile's credential_process as the SDK does (sh -c on
// Unix, cmd.exe /C on Windows, this process's environment, stdin and
// stderr), bounded by the call timeout and its answer by maxAnswer.
func (r *ambientResolver) process(ctx context.Context, p profileView) (*ambientCreds, error) {
	command := p.get("credential_process")
	args := []string{"sh", "-c", command}
	if runtime.GOOS == "windows" {
		args = []string{"cmd.exe", "/C", command}
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = os.Environ() // the CLI marks it (_ATMOS_AUTH_SERVING) against re-entry
	cmd.Stdin, cmd.Stderr = os.Stdin, os.Stderr
	cmd.WaitDelay = time.Second
	out := &boundedBuffer{max: maxAnswer}
	cmd.Stdout = out
	where := fmt.Sprintf("credential_process of profile %q (%s)", p.name, p.sec["credential_process"].at())
	if err := cmd.Run(); err != nil || out.over {
		if out.over {
			return nil, fmt.Errorf("%s: it wrote more than %d bytes", where, maxAnswer)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: no answer within %s: %w", where, r.a.CallTimeout(), ctx.Err())
		}
		return nil, fmt.Errorf("%s failed: %w", where, err)
	}
	var v struct {
		Version         int
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      *time.Time
		AccountID       string `json:"AccountId"`
	}
	if err := json.Unmarshal(out.buf, &v); err != nil {
		return nil, fmt.Errorf("%s: its output is not the credentials JSON (%v)", where, jsonProblem(err))
	}
	switch {
	case v.Version != 1:
		return nil, fmt.Errorf("%s: its output has Version %d; only Version 1 is known", where, v.Version)
	case v.AccessKeyID == "" || v.SecretAccessKey == "":
		return nil, fmt.Errorf("%s: its output lacks AccessKeyId or SecretAccessKey", where)
	}
	c := awsKeys(v.AccessKeyID, v.SecretAccessKey, v.SessionToken)
	if v.Expiration != nil {
		c.Expiration = v.Expiration.UTC()
	}
	return &ambientCreds{creds: c, account: v.AccountID, source: "ProcessProvider"}, nil
}

var errTooLarge = errors.New("output too large")

// boundedBuffer keeps what is written up to max bytes, then fails (and
// remembers it: the writer may die of the broken pipe first).
type boundedBuffer struct {
	buf  []byte
	max  int
	over bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if len(b.buf)+len(p) > b.max {
		b.over = true
		return 0, errTooLarge
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// jsonProblem describes a JSON error without quoting the input (which may
// hold a secret).
func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %s has the wrong type", te.Field)
	}
	return "invalid JSON"
}
