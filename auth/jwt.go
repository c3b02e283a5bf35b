package auth

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// JWTClaims decodes the claims of a JWT into v without verifying it: for
// describing a token (its subject, its expiry), never for trusting it —
// the service it goes to verifies it. It reports whether tok had the
// three parts and a JSON payload.
func JWTClaims(tok string, v any) bool {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return false
	}
	return json.Unmarshal(b, v) == nil
}

// JWTExpiry is the exp claim of a JWT (zero when tok is not one or has
// none), unverified as JWTClaims.
func JWTExpiry(tok string) time.Time {
	var claims struct {
		Exp float64 `json:"exp"`
	}
	if !JWTClaims(tok, &claims) || claims.Exp == 0 {
		return time.Time{}
	}
	return time.Unix(int64(claims.Exp), 0).UTC()
}
