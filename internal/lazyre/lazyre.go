// Package lazyre holds regular expressions compiled on first use, not at
// package init: every process start pays for each package-level
// regexp.MustCompile, and the hot commands (credential-process, env, exec,
// the hook) use almost none of them.
package lazyre

import (
	"regexp"
	"sync"
)

// RE is a regular expression compiled the first time it is used. A bad
// pattern panics at that first use, as regexp.MustCompile would at init;
// TestPatterns-style tests that touch every pattern keep that visible.
type RE struct {
	src  string
	once sync.Once
	re   *regexp.Regexp
}

// New returns src, to be compiled on first use.
func New(src string) *RE { return &RE{src: src} }

// Regexp is the compiled expression.
func (r *RE) Regexp() *regexp.Regexp {
	r.once.Do(func() { r.re = regexp.MustCompile(r.src) })
	return r.re
}

func (r *RE) MatchString(s string) bool { return r.Regexp().MatchString(s) }

func (r *RE) FindStringSubmatch(s string) []string { return r.Regexp().FindStringSubmatch(s) }

func (r *RE) String() string { return r.src }

func (r *RE) Match(b []byte) bool { return r.Regexp().Match(b) }
