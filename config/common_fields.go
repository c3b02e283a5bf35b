package config

import (
	"strconv"
	"strings"
)

// Atmos's fields shared by every provider (default, tags) and every
// identity (alias, tags, env, required). They choose and decorate an
// entry; none changes the credentials it gets (see auth.Fingerprint).

// EnvVar is one entry of an identity's env: list. The key keeps its case
// (Atmos's reason for a list rather than a mapping); the value may come
// from !env.
type EnvVar struct {
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
}

// checkCommon checks the shared fields of every entry, and that aliases
// and names never make -i ambiguous.
func (c *Config) checkCommon(d *diags) {
	for _, n := range c.ProviderOrder {
		c.checkTags(d, c.Providers[n])
	}
	// who answers to a name: identity names first, then aliases.
	owner := map[string]string{}
	for _, n := range c.IdentityOrder {
		owner[n] = n
	}
	for _, n := range c.IdentityOrder {
		e := c.Identities[n]
		c.checkTags(d, e)
		c.checkEnv(d, e)
		if e.Alias == "" {
			if c.checker(d, e).Has("alias") {
				c.checker(d, e).Errf("alias", "remove it or give a name", "alias is empty")
			}
			continue
		}
		fc := c.checker(d, e)
		switch other, taken := owner[e.Alias]; {
		case !NameOK(e.Alias):
			fc.Errf("alias", "use letters, digits and punctuation", "alias contains a control, format (bidi) or invalid character")
		case strings.TrimSpace(e.Alias) != e.Alias:
			fc.Errf("alias", "remove the blanks around it", "alias %q starts or ends with a blank", e.Alias)
		case taken && other != n:
			fc.Errf("alias", "choose another alias", "alias %q is already the name or alias of identity %q: -i %s would be ambiguous", e.Alias, other, e.Alias)
		default:
			owner[e.Alias] = n
		}
	}
	var defs []string
	for _, n := range c.ProviderOrder {
		if c.Providers[n].Default {
			defs = append(defs, n)
		}
	}
	if len(defs) > 1 {
		for _, n := range defs {
			c.checker(d, c.Providers[n]).Errf("default", "keep default: true on one provider",
				"default: true is set on %d providers (%s)", len(defs), strings.Join(defs, ", "))
		}
	}
}

// checkTags: a tag is a word --tags a,b can name and a terminal prints as
// itself.
func (c *Config) checkTags(d *diags, e *Entry) {
	fc := c.checker(d, e)
	for i, t := range e.Tags {
		path := "tags[" + strconv.Itoa(i) + "]"
		switch {
		case strings.TrimSpace(t) == "":
			fc.Errf(path, "remove it", "%s is empty", path)
		case !NameOK(t):
			fc.Errf(path, "use letters, digits and punctuation", "%s contains a control, format (bidi) or invalid character", path)
		case strings.ContainsAny(t, ", \t"):
			fc.Errf(path, "use one word per tag: --tags takes a comma-separated list", "%s: %q contains a comma or a blank", path, t)
		}
	}
}

// checkEnv: every key is a variable name every shell can hold, set once,
// and none is a variable that makes a shell, a loader or a tool run code:
// the directory hook applies an identity's env in the user's own shell,
// and a repository's atmos.yaml must not turn that into running its code.
func (c *Config) checkEnv(d *diags, e *Entry) {
	fc := c.checker(d, e)
	seen := map[string]int{}
	for i, v := range e.Env {
		path := "env[" + strconv.Itoa(i) + "]"
		switch {
		case v.Key == "":
			fc.Errf(path, "write {key: NAME, value: VALUE}", "%s: missing key", path)
			continue
		case !envNameOK(v.Key):
			fc.Errf(path+".key", "use letters, digits and _, not starting with a digit", "%s.key: %q is not a variable name", path, v.Key)
			continue
		case strings.IndexByte(v.Value, 0) >= 0:
			fc.Errf(path+".value", "", "%s.value contains a NUL byte", path)
		}
		if j, dup := seen[v.Key]; dup {
			fc.Errf(path+".key", "keep one of them", "%s.key: %s is already set by env[%d]", path, v.Key, j)
		}
		seen[v.Key] = i
		if why := envRefused(v.Key); why != "" {
			fc.Errf(path+".key", "set it in your shell or your tool's own configuration, not in atmos.yaml",
				"%s.key: %s %s", path, v.Key, why)
		}
	}
}

func envNameOK(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// envRefused says why a variable may not come from an identity's env:
// atmos-auth's own state, or a variable that makes a shell, the dynamic
// loader, an interpreter or a cloud tool load and run other code or files
// (a config file with credential_process, exec plugins, helpers).
func envRefused(key string) string {
	k := strings.ToUpper(key)
	switch {
	case k == "ATMOS_IDENTITY" || k == "ATMOS_PROFILE" || k == "ATMOS_CLI_CONFIG_PATH" ||
		strings.HasPrefix(k, "ATMOS_AUTH_") || strings.HasPrefix(k, "_ATMOS_") || strings.HasPrefix(k, "ATMOS_KEYRING_") ||
		k == "ATMOS_SHLVL" || k == "ATMOS_SHELL_STACK":
		return "is atmos-auth's own"
	case strings.HasPrefix(k, "LD_") || strings.HasPrefix(k, "DYLD_") || strings.HasPrefix(k, "BASH_FUNC_") ||
		strings.HasPrefix(k, "GIT_CONFIG") || strings.HasPrefix(k, "GIT_SSH") || strings.HasPrefix(k, "PS") && len(k) == 3:
		return "makes programs load or run other code"
	}
	switch k {
	case "PATH", "BASH_ENV", "ENV", "PROMPT_COMMAND", "ZDOTDIR", "SHELLOPTS", "BASHOPTS", "IFS", "CDPATH",
		"HOME", "SHELL", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "NODE_OPTIONS", "NODE_PATH",
		"PERL5OPT", "PERL5LIB", "PERLLIB", "RUBYOPT", "RUBYLIB", "GCONV_PATH", "GIT_EXEC_PATH", "GIT_ASKPASS",
		"SSH_ASKPASS", "EDITOR", "VISUAL", "PAGER", "LESSOPEN", "LESSCLOSE", "MANPAGER", "BROWSER",
		"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "TF_CLI_CONFIG_FILE", "TERRAFORM_CONFIG",
		"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "KUBECONFIG", "DOCKER_CONFIG", "CLOUDSDK_CONFIG",
		"AZURE_CONFIG_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "TMPDIR":
		return "makes programs load or run other code or configuration"
	}
	return ""
}

// HasTag reports whether the entry has one of tags.
func (e *Entry) HasTag(tags []string) bool {
	for _, t := range e.Tags {
		for _, want := range tags {
			if t == want {
				return true
			}
		}
	}
	return false
}

// ParseTags splits a --tags value (a,b) into tags.
func ParseTags(v string) []string {
	var out []string
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// KnownTags lists every tag of the configuration's providers and
// identities, in file order, once each.
func (c *Config) KnownTags() []string {
	seen := map[string]bool{}
	var out []string
	add := func(e *Entry) {
		for _, t := range e.Tags {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	for _, n := range c.ProviderOrder {
		add(c.Providers[n])
	}
	for _, n := range c.IdentityOrder {
		add(c.Identities[n])
	}
	return out
}

// ByAlias returns the identity an alias names ("" for none).
func (c *Config) ByAlias(alias string) string {
	if alias == "" {
		return ""
	}
	for _, n := range c.IdentityOrder {
		if c.Identities[n].Alias == alias {
			return n
		}
	}
	return ""
}

// Required lists the identities marked required: true, in file order.
func (c *Config) Required() []string {
	var out []string
	for _, n := range c.IdentityOrder {
		if c.Identities[n].Required {
			out = append(out, n)
		}
	}
	return out
}

// DefaultProvider is the provider marked default: true ("" for none).
func (c *Config) DefaultProvider() string {
	for _, n := range c.ProviderOrder {
		if c.Providers[n].Default {
			return n
		}
	}
	return ""
}
