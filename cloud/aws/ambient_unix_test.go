//go:build unix

package aws

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/auth"
)

// TestAmbientSpecialFiles: a FIFO or a device named as a shared file or a
// token file is refused at once — never a read that waits for a writer or
// never ends.
func TestAmbientSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	for name, env := range map[string]map[string]string{
		"config FIFO":       {"AWS_CONFIG_FILE": fifo},
		"credentials zero":  {"AWS_SHARED_CREDENTIALS_FILE": "/dev/zero", "AWS_CONFIG_FILE": filepath.Join(dir, "none")},
		"web identity FIFO": {"AWS_WEB_IDENTITY_TOKEN_FILE": fifo, "AWS_ROLE_ARN": "arn:aws:iam::1:role/R"},
		"container token":   {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:1/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/dev/zero"},
	} {
		t.Run(name, func(t *testing.T) {
			env["HOME"] = dir
			env["AWS_EC2_METADATA_DISABLED"] = "true"
			env[auth.EnvHTTPTimeout] = "5s"
			s, st := ambientStep(env, "")
			done := make(chan error, 1)
			go func() { _, err := s.Authenticate(context.Background(), st, nil); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "not a regular file") {
					t.Errorf("%v", err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the read of a special file hangs")
			}
		})
	}
}
