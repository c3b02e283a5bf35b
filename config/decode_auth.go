package config

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

var authKeys = []string{"realm", "console", "logs", "keyring", "providers", "identities", "integrations"}

// decodeAuth decodes the merged auth: mapping into cfg.
func (ld *loader) decodeAuth(cfg *Config, auth *yaml.Node, file string) {
	cfg.Providers = map[string]*Entry{}
	cfg.Identities = map[string]*Entry{}
	cfg.Integrations = map[string]*Entry{}
	cfg.fields = map[*Entry]map[string]Pos{}
	top := map[string]Pos{}
	dc := &decoder{d: &ld.d, origin: ld.origin, fields: top}
	file = dc.fileOf(auth, file)
	for i := 0; i+1 < len(auth.Content); i += 2 {
		k, v := auth.Content[i], deref(auth.Content[i+1])
		kfile := dc.fileOf(k, file)
		switch k.Value {
		case "logs":
			dc.fields = top
			dc.subject = "auth.logs"
			dc.decode(v, kfile, reflect.ValueOf(&cfg.Logs).Elem(), "logs")
		case "keyring":
			dc.fields = top
			dc.subject = "auth.keyring"
			dc.decode(v, kfile, reflect.ValueOf(&cfg.Keyring).Elem(), "keyring")
		case "realm":
			dc.fields = top
			dc.subject = "auth"
			dc.decode(v, kfile, reflect.ValueOf(&cfg.Realm).Elem(), "realm")
		case "console":
			dc.fields = top
			dc.subject = "auth.console"
			dc.decode(v, kfile, reflect.ValueOf(&cfg.Console).Elem(), "console")
		case "providers":
			dc.fields = nil
			ld.decodeEntries(cfg, dc, v, kfile, RoleProvider, cfg.Providers, &cfg.ProviderOrder)
		case "identities":
			dc.fields = nil
			ld.decodeEntries(cfg, dc, v, kfile, RoleIdentity, cfg.Identities, &cfg.IdentityOrder)
		case "integrations":
			dc.fields = nil
			ld.decodeEntries(cfg, dc, v, kfile, RoleIntegration, cfg.Integrations, &cfg.IntegrationOrder)
		default:
			dc.fields = top
			ld.d.add(posOf(k, kfile), "auth", didYouMean(k.Value, authKeys), "unknown field %q", k.Value)
		}
	}
	dc.subject = ""
	cfg.logsFilePos = top["logs.file"]
	cfg.realmPos = top["realm"]
	if lv := cfg.Logs.Level; lv != "" {
		ok := false
		for _, l := range LogLevels {
			if strings.EqualFold(l, lv) {
				ok = true
			}
		}
		if !ok {
			ld.d.add(top["logs.level"], "auth.logs", "one of "+strings.Join(LogLevels, ", "), "level %q is not supported", lv)
		}
	}
	ld.checkKeyringSpec(cfg, top)
	if t := cfg.Keyring.Type; t != "" {
		ok := false
		for _, kt := range KeyringTypes {
			if t == kt {
				ok = true
			}
		}
		if !ok {
			hint := "one of " + strings.Join(KeyringTypes, ", ")
			if m := suggest(t, KeyringTypes); m != "" {
				hint = fmt.Sprintf("did you mean %q? %s", m, hint)
			}
			ld.d.add(top["keyring.type"], "auth.keyring", hint, "type %q is not supported", t)
		}
	}
}

// LogLevels are the accepted auth.logs.level values.
var LogLevels = []string{"Debug", "Info", "Warn", "Error"}

// KeyringTypes are the accepted auth.keyring.type values.
var KeyringTypes = []string{"system", "file", "memory"}

func (ld *loader) decodeEntries(cfg *Config, dc *decoder, m *yaml.Node, file string, role Role, into map[string]*Entry, order *[]string) {
	if m.Kind == yaml.ScalarNode && m.Tag == "!!null" {
		return
	}
	if m.Kind != yaml.MappingNode {
		ld.d.add(posOf(m, file), "auth", "", "%s: expected a mapping of names to %s, got %s", role.Plural(), role.Plural(), kindName(m))
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], deref(m.Content[i+1])
		kfile := dc.fileOf(k, file)
		vfile := dc.fileOf(v, kfile)
		name := k.Value
		e := &Entry{Name: name, Role: role, Pos: posOf(k, kfile), node: v}
		subject := fmt.Sprintf("%s %q", role, name)
		if _, dup := into[name]; dup {
			continue // yaml rejects duplicates within a file; merges replace
		}
		into[name] = e
		*order = append(*order, name)
		if strings.TrimSpace(name) == "" {
			ld.d.add(e.Pos, subject, "", "empty %s name", role)
		}
		if v.Kind != yaml.MappingNode {
			ld.d.add(posOf(v, vfile), subject, "", "expected a mapping with kind and settings, got %s", kindName(v))
			continue
		}
		ok, kind := mappingValue(v, "kind")
		if !ok || strings.TrimSpace(kind) == "" {
			ld.d.add(e.Pos, subject, "one of "+strings.Join(cfg.Kinds.KindNames(role), ", "), "missing required field kind")
			continue
		}
		e.Kind = kind
		info, known := cfg.Kinds.Kind(kind)
		if !known || info.Role != role {
			kpos := e.Pos
			if j := mappingIndex(v, "kind"); j >= 0 {
				kpos = posOf(v.Content[j+1], dc.fileOf(v.Content[j+1], dc.fileOf(v.Content[j], vfile)))
			}
			hint := "one of " + strings.Join(cfg.Kinds.KindNames(role), ", ")
			if m := suggest(kind, cfg.Kinds.KindNames(role)); m != "" {
				hint = fmt.Sprintf("did you mean %q?", m)
			}
			if msg, use, atmos := atmosOnlyKind(kind); atmos && !known {
				ld.d.add(kpos, subject, use, "%s", msg)
			} else if known {
				ld.d.add(kpos, subject, hint, "%s is %s kind, not %s kind", kind, article(info.Role), article(role))
			} else {
				ld.d.add(kpos, subject, hint, "unknown kind %q", kind)
			}
			continue
		}
		spec := info.New()
		dc.subject = subject
		dc.fields = map[string]Pos{}
		dc.decode(v, vfile, reflect.ValueOf(spec).Elem(), "")
		cfg.fields[e] = dc.fields
		dc.fields = nil
		e.Spec = spec
		if ib, ok := spec.(hasIdentityBase); ok {
			b := ib.identityBase()
			e.Default, e.Alias, e.Tags, e.Required, e.Env = b.Default, b.Alias, b.Tags, b.Required, b.Env
			if b.Via != nil {
				e.Via = *b.Via
			}
		}
		if pb, ok := spec.(hasProviderBase); ok {
			b := pb.providerBase()
			e.Default, e.Tags = b.Default, b.Tags
		}
		if ib, ok := spec.(hasIntegrationBase); ok && ib.integrationBase().Via != nil {
			e.Via = *ib.integrationBase().Via
		}
	}
}

func article(r Role) string {
	if r == RoleIdentity || r == RoleIntegration {
		return "an " + r.String()
	}
	return "a " + r.String()
}
