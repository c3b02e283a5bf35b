package auth

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/atmos-auth/atmos-auth/config"
)

// TestStepRecordRoundTrip: a written step reads back whole, payload
// included.
func TestStepRecordRoundTrip(t *testing.T) {
	d := config.Dirs{Cache: t.TempDir()}
	chain := []*config.Entry{{Name: "dev", Kind: "test/kind"}}
	c, secrets := secretCreds()
	if err := WriteStep(d, chain, "bind", c, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, ok := ReadStep(d, chain, "bind")
	if !ok {
		t.Fatal("written step not read")
	}
	if got.Type != c.Type || got.Principal != c.Principal || got.Account != c.Account || got.Region != c.Region ||
		got.Role != c.Role || !got.Expiration.Equal(c.Expiration) || got.Secret(PayloadToken) != secrets[0] || got.Secret("key") != secrets[1] {
		t.Fatalf("read back %+v", got)
	}
	if _, ok := ReadStep(d, chain, "other"); ok {
		t.Fatal("a record bound elsewhere was read")
	}
}

// TestStepRecordOldVersionIsMiss: a record an older version wrote (v1, the
// AWS-shaped credentials) for the same identity and fingerprint is simply
// not read: a cache miss, never an error.
func TestStepRecordOldVersionIsMiss(t *testing.T) {
	d := config.Dirs{Cache: t.TempDir()}
	chain := []*config.Entry{{Name: "dev", Kind: "test/kind"}}
	v1 := `{
  "v": 1,
  "identity": "dev",
  "kind": "test/kind",
  "fingerprint": "` + boundFingerprint(chain, "") + `",
  "written": "2030-01-01T00:00:00Z",
  "credentials": {
    "type": "aws",
    "access_key_id": "ASIAOLDOLDOLDOLD0001",
    "secret_access_key": "old-secret",
    "session_token": "old-token",
    "expiration": "2099-01-01T00:00:00Z",
    "account_id": "123456789012",
    "arn": "arn:aws:sts::123456789012:assumed-role/R/s"
  }
}
`
	if err := WriteFileAtomic(StepPath(d, "dev"), []byte(v1)); err != nil {
		t.Fatal(err)
	}
	if c, ok := ReadStep(d, chain, ""); ok {
		t.Fatalf("a v1 record was read: %v", c)
	}
	// The same record at the current version is read: only the version
	// makes the miss.
	cur := strings.Replace(v1, `"v": 1,`, `"v": `+strconv.Itoa(stepVersion)+`,`, 1)
	if err := os.WriteFile(StepPath(d, "dev"), []byte(cur), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, ok := ReadStep(d, chain, ""); !ok {
		t.Fatal("the same record at the current version was not read")
	}
}
