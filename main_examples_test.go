package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/alecthomas/kong"

	"github.com/atmos-auth/atmos-auth/cli"
)

// TestHelpExamplesParse: every `atmos-auth …` line of a command's --help
// examples parses with the real command tree (flags and commands exist).
func TestHelpExamplesParse(t *testing.T) {
	rt := reflect.TypeFor[CLI]()
	n := 0
	for i := range rt.NumField() {
		f := rt.Field(i)
		if _, ok := f.Tag.Lookup("cmd"); !ok {
			continue
		}
		hp, ok := reflect.New(f.Type).Interface().(interface{ Help() string })
		if !ok {
			continue
		}
		for _, line := range strings.Split(hp.Help(), "\n") {
			_, rest, ok := strings.Cut(line, "atmos-auth ")
			if !ok {
				continue
			}
			if j := strings.IndexAny(rest, "|)\"#`"); j >= 0 {
				rest = rest[:j]
			}
			args := strings.Fields(rest)
			if len(args) == 0 || (args[0] == "hook" || args[0] == "completion") && len(args) > 1 && strings.HasPrefix(args[1], "$") {
				continue
			}
			n++
			root := CLI{}
			p, err := kong.New(&root, kong.Vars{"version": "x"}.CloneWith(cli.ListVars()), cli.CompletionVars(),
				kong.Exit(func(int) {}))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Parse(cli.PreparseArgs(args)); err != nil {
				t.Errorf("%s --help example %q: %v", f.Name, rest, err)
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d examples found", n)
	}
}
