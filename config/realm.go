package config

import (
	"fmt"
	"strings"
)

// EnvRealm names the realm over auth.realm (Atmos's ATMOS_AUTH_REALM).
const EnvRealm = "ATMOS_AUTH_REALM"

// RealmMaxLength is Atmos's limit on a realm's length.
const RealmMaxLength = 64

// Realm sources (Realm.Source).
const (
	RealmFromEnv    = "env"
	RealmFromConfig = "config"
	RealmNone       = ""
)

// Realm is the credential namespace in effect: projects with the same
// realm share cached credentials and keyring entries; without one
// (Name "") everything is scoped to the configuration itself.
type Realm struct {
	Name string
	// Source says where it came from: RealmFromEnv, RealmFromConfig or
	// RealmNone.
	Source string
}

// Describe says where the realm came from, for whoami, list and login.
func (r Realm) Describe(c *Config) string {
	switch r.Source {
	case RealmFromEnv:
		return EnvRealm
	case RealmFromConfig:
		if c != nil && c.realmPos.File != "" {
			return "auth.realm in " + c.realmPos.String()
		}
		return "auth.realm"
	}
	return "credentials are this configuration's own"
}

// RealmOf is the realm in effect: ATMOS_AUTH_REALM (from the user's
// environment) wins over auth.realm, as in Atmos. Validate reports an
// invalid value of either; an invalid one is never used.
func (c *Config) RealmOf() Realm {
	if c == nil {
		return Realm{}
	}
	if c.getenv != nil {
		if v := c.getenv(EnvRealm); v != "" {
			if ValidateRealm(v) != nil {
				return Realm{}
			}
			return Realm{Name: v, Source: RealmFromEnv}
		}
	}
	if c.Realm != "" && ValidateRealm(c.Realm) == nil {
		return Realm{Name: c.Realm, Source: RealmFromConfig}
	}
	return Realm{}
}

// ValidateRealm applies Atmos's rules: lower-case letters, digits, - and
// _, at most 64 characters, no leading, trailing or doubled separators, no
// path characters.
func ValidateRealm(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("realm cannot be empty")
	case len(s) > RealmMaxLength:
		return fmt.Errorf("realm is %d characters long; at most %d are allowed", len(s), RealmMaxLength)
	case strings.ContainsAny(s, `/\`) || strings.Contains(s, ".."):
		return fmt.Errorf("realm cannot contain path characters (/, \\, ..)")
	}
	var bad []string
	for _, r := range s {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			q := fmt.Sprintf("%q", string(r))
			if !strings.Contains(strings.Join(bad, ""), q) {
				bad = append(bad, q)
			}
		}
	}
	switch {
	case len(bad) > 0:
		return fmt.Errorf("realm contains %s: only lower-case letters, digits, - and _ are allowed", strings.Join(bad, ", "))
	case strings.HasPrefix(s, "-") || strings.HasPrefix(s, "_"):
		return fmt.Errorf("realm cannot start with - or _")
	case strings.HasSuffix(s, "-") || strings.HasSuffix(s, "_"):
		return fmt.Errorf("realm cannot end with - or _")
	case strings.Contains(s, "--") || strings.Contains(s, "__") || strings.Contains(s, "-_") || strings.Contains(s, "_-"):
		return fmt.Errorf("realm cannot contain doubled separators (--, __, -_, _-)")
	}
	return nil
}

// checkRealm reports an invalid auth.realm at its position and an invalid
// ATMOS_AUTH_REALM by name.
func (c *Config) checkRealm(d *diags) {
	if c.realmPos.File != "" {
		if err := ValidateRealm(c.Realm); err != nil {
			d.add(c.realmPos, "auth.realm", "for example realm: acme-prod", "%v", err)
		}
	}
	if c.getenv != nil {
		if v := c.getenv(EnvRealm); v != "" {
			if err := ValidateRealm(v); err != nil {
				d.add(Pos{}, EnvRealm, "unset it or give a realm like acme-prod", "%v", err)
			}
		}
	}
}
