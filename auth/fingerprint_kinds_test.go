package auth_test

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/atmos-auth/atmos-auth/auth"
	"github.com/atmos-auth/atmos-auth/cloud"
)

// TestSpecFingerprintEveryKind: for the spec of every kind of every cloud,
// filled at random, the fast fingerprint is the encoding/json one — no
// cached step of any kind goes stale with the change, and a kind added
// later is checked the day it is registered.
func TestSpecFingerprintEveryKind(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, k := range cloud.Kinds().Kinds() {
		for i := range 300 {
			spec := k.New()
			if i > 0 {
				auth.RandomFill(reflect.ValueOf(spec).Elem(), r, 0)
			}
			if _, err := auth.JSONTree(reflect.ValueOf(spec)); err != nil {
				t.Fatalf("%s takes encoding/json's long way (%v): make jsonTree know its types", k.Name, err)
			}
			if got, want := auth.SpecFingerprint(spec), auth.SpecFingerprintJSON(spec); !bytes.Equal(got, want) {
				t.Fatalf("%s, case %d:\n fast %s\n json %s", k.Name, i, got, want)
			}
		}
	}
}
