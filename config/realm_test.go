package config

import (
	"strings"
	"testing"
)

// TestValidateRealm: Atmos's rules (pkg/auth/realm), case by case.
func TestValidateRealm(t *testing.T) {
	ok := []string{"acme", "acme-prod", "a_b", "x1", "0", strings.Repeat("a", 64)}
	bad := map[string]string{
		"":                      "empty",
		strings.Repeat("a", 65): "at most 64",
		"Acme":                  `"A"`,
		"a b":                   `" "`,
		"a/b":                   "path characters",
		`a\b`:                   "path characters",
		"a..b":                  "path characters",
		"a.b":                   `"."`,
		"-a":                    "start",
		"_a":                    "start",
		"a-":                    "end",
		"a_":                    "end",
		"a--b":                  "doubled",
		"a__b":                  "doubled",
		"a-_b":                  "doubled",
		"a_-b":                  "doubled",
		"é":                     `"é"`,
	}
	for _, s := range ok {
		if err := ValidateRealm(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for s, want := range bad {
		err := ValidateRealm(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error with %s", s, err, want)
		}
	}
}

// TestRealmOf: ATMOS_AUTH_REALM wins over auth.realm; an invalid value of
// either is never used.
func TestRealmOf(t *testing.T) {
	env := map[string]string{}
	c := &Config{Realm: "cfg", realmPos: Pos{File: "atmos.yaml", Line: 2, Col: 10}, getenv: func(k string) string { return env[k] }}
	if r := c.RealmOf(); r.Name != "cfg" || r.Source != RealmFromConfig || r.Describe(c) != "auth.realm in atmos.yaml:2:10" {
		t.Errorf("config: %+v %s", r, r.Describe(c))
	}
	env[EnvRealm] = "fromenv"
	if r := c.RealmOf(); r.Name != "fromenv" || r.Source != RealmFromEnv {
		t.Errorf("env: %+v", r)
	}
	env[EnvRealm] = "../x"
	if r := c.RealmOf(); r.Name != "" {
		t.Errorf("invalid env realm used: %+v", r)
	}
	env[EnvRealm] = ""
	c.Realm = "Bad"
	if r := c.RealmOf(); r.Name != "" {
		t.Errorf("invalid config realm used: %+v", r)
	}
}
