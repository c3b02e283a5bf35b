package shells

import "strings"

// Fish is the friendly interactive shell: set -gx NAME 'value', set -e NAME.
type Fish struct{}

func (Fish) Name() string { return "fish" }

// Quote uses fish single quotes, where only \\ and \' are escapes and
// every other byte, newlines included, is literal.
func (Fish) Quote(s string) string {
	if isBare(s) {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

func (f Fish) Export(name, value string) string {
	return "set -gx " + name + " " + f.Quote(value)
}

// Unset erases the variable (quietly, status 4, when it is not set).
func (Fish) Unset(name string) string { return "set -e " + name }
