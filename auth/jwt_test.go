package auth

import (
	"encoding/base64"
	"testing"
	"time"
)

func TestJWTExpiry(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	tok := enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(`{"exp":1767225600,"sub":"x"}`)) + ".sig"
	if got := JWTExpiry(tok); !got.Equal(time.Unix(1767225600, 0)) {
		t.Errorf("JWTExpiry = %v", got)
	}
	for _, bad := range []string{"", "a.b", "a.!!!.c", enc([]byte(`{}`)) + "." + enc([]byte(`{"sub":"x"}`)) + ".s"} {
		if got := JWTExpiry(bad); !got.IsZero() {
			t.Errorf("JWTExpiry(%q) = %v, want zero", bad, got)
		}
	}
}
