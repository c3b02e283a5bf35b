package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Checker validates one entry's fields, reporting at their positions.
type Checker struct {
	cfg     *Config
	d       *diags
	entry   *Entry
	subject string
	fields  map[string]Pos
}

// PosOf returns the position of path, or of its nearest given parent, or of
// the entry.
func (c *Checker) PosOf(path string) Pos {
	for p := path; p != ""; {
		if pos, ok := c.fields[p]; ok {
			return pos
		}
		i := strings.LastIndex(p, ".")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return c.entry.Pos
}

func (c *Checker) Has(path string) bool { _, ok := c.fields[path]; return ok }

func (c *Checker) Errf(path, hint, format string, args ...any) {
	c.d.add(c.PosOf(path), c.subject, hint, format, args...)
}

// Required reports a missing or empty field and returns whether it is set.
func (c *Checker) Required(path, value string) bool {
	if strings.TrimSpace(value) != "" {
		return true
	}
	if c.Has(path) {
		c.Errf(path, "", "%s is empty", path)
	} else {
		c.Errf(path, "", "missing required field %s", path)
	}
	return false
}

// Matcher is a pattern: a *regexp.Regexp or a lazily compiled *lazyre.RE.
type Matcher interface{ MatchString(string) bool }

func (c *Checker) Match(path, value string, re Matcher, what, example string) {
	if value == "" || re.MatchString(value) {
		return
	}
	hint := ""
	if example != "" {
		hint = "for example " + example
	}
	c.Errf(path, hint, "%s: %q is not a valid %s", path, value, what)
}

// HTTPSURL reports a value that is not an http(s) URL with a host, and
// returns the parsed URL (nil when empty or invalid).
func (c *Checker) HTTPSURL(path, v string) *url.URL {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		c.Errf(path, "for example https://company.awsapps.com/start", "%s: %q is not a valid URL", path, v)
		return nil
	}
	return u
}

// Getenv reads the user's environment the configuration was loaded with.
func (c *Checker) Getenv(k string) string {
	if c.cfg == nil || c.cfg.getenv == nil {
		return ""
	}
	return c.cfg.getenv(k)
}

// EnvTrustedEndpoints names the hosts, besides AWS's own and this
// machine's, that configurations may send credentials to (comma list). It
// is read from the user's environment only: an atmos.yaml cannot set it.
const EnvTrustedEndpoints = "ATMOS_AUTH_TRUSTED_ENDPOINTS"

// IsLoopbackHost reports whether host (no port) names this machine.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Endpoints names the hosts a cloud's own services answer on.
type Endpoints struct {
	// What is the phrase for them in messages: "an AWS endpoint".
	What string
	// Example is one URL of theirs: "https://….amazonaws.com".
	Example string
	// Suffixes are their DNS suffixes (".amazonaws.com").
	Suffixes []string
}

// EndpointURL checks an endpoint a configuration sends credentials to (a
// signed request, a bearer token). A cloned repository's atmos.yaml must
// not be able to send them to a server of its own, so the endpoint must be
// the cloud's own (https), on this machine, one of also (hosts the user's
// own environment named for this kind), or named by the user in
// ATMOS_AUTH_TRUSTED_ENDPOINTS.
func (c *Checker) EndpointURL(path, v string, own Endpoints, also ...string) {
	u := c.HTTPSURL(path, v)
	if u == nil {
		return
	}
	host := strings.ToLower(u.Hostname())
	if IsLoopbackHost(host) {
		return
	}
	if u.Scheme == "https" {
		for _, sfx := range own.Suffixes {
			if strings.HasSuffix(host, sfx) {
				return
			}
		}
	}
	for _, h := range append(also, strings.Split(c.Getenv(EnvTrustedEndpoints), ",")...) {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" && h == host {
			return
		}
	}
	c.Errf(path, fmt.Sprintf("if you trust it, export %s=%s: only your environment can", EnvTrustedEndpoints, host),
		"%s: %q is neither %s (%s) nor on this machine: a repository's configuration cannot send credentials to it", path, v, own.What, own.Example)
}

func (c *Checker) OneOf(path, v string, options []string) {
	if v == "" {
		return
	}
	for _, o := range options {
		if strings.EqualFold(v, o) {
			return
		}
	}
	hint := "one of " + strings.Join(options, ", ")
	if m := suggest(v, options); m != "" {
		hint = fmt.Sprintf("did you mean %q? %s", m, hint)
	}
	c.Errf(path, hint, "%s: %q is not supported", path, v)
}

func (c *Checker) DurationRange(path string, d Duration, lo, hi time.Duration) {
	if !d.IsSet() {
		return
	}
	if d.Duration < lo || d.Duration > hi {
		c.Errf(path, "", "%s: %s is outside the allowed range %s to %s", path, d.Raw, fmtDur(lo), fmtDur(hi))
	}
}

// fmtDur prints 15m0s as 15m and 12h0m0s as 12h.
func fmtDur(d time.Duration) string {
	s := d.String()
	s = strings.TrimSuffix(s, "0s")
	s = strings.TrimSuffix(s, "0m")
	if s == "" {
		return "0s"
	}
	return s
}
