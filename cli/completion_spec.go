package cli

import (
	"sort"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/atmos-auth/atmos-auth/formats"
)

// cmdSpec is what completion knows of one command, read from the command
// tree itself: its flags, the values of those that take a known set, and
// what its first positional argument is.
type cmdSpec struct {
	name   string
	flags  []string            // --long and -s spellings
	values map[string][]string // flag spelling → its values
	arg    string              // "identity", "shell", "path", "" (none or free)
}

// completionSpecs lists every visible command's spec, sorted by name.
// Values: a flag's enum, else env's formats for env's format flags, else
// the shells for --shell.
func completionSpecs(k *kong.Context) []cmdSpec {
	var out []cmdSpec
	for _, n := range k.Model.Children {
		if n.Hidden {
			continue
		}
		s := cmdSpec{name: n.Name, values: map[string][]string{}}
		add := func(f *kong.Flag) {
			if f.Hidden {
				return
			}
			spell := []string{"--" + f.Name}
			if f.Short != 0 {
				spell = append(spell, "-"+string(f.Short))
			}
			s.flags = append(s.flags, spell...)
			var vals []string
			switch {
			case f.Enum != "":
				for _, v := range strings.Split(f.Enum, ",") {
					if v = strings.TrimSpace(v); v != "" {
						vals = append(vals, v)
					}
				}
			case n.Name == "env" && (f.Name == "format" || f.Name == "output"):
				vals = formats.EnvNames()
			case n.Name == "list" && (f.Name == "format" || f.Name == "output"):
				vals = formats.ListFormatNames()
			}
			if len(vals) > 0 {
				for _, sp := range spell {
					s.values[sp] = vals
				}
			}
		}
		for _, f := range k.Model.Flags {
			add(f)
		}
		for _, f := range n.Flags {
			add(f)
		}
		if len(n.Positional) > 0 {
			switch p := n.Positional[0]; p.Name {
			case "identity":
				s.arg = "identity"
			case "shell":
				s.arg = "shell"
			case "path":
				s.arg = "path"
			}
		}
		sort.Strings(s.flags)
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// identityArgCommands are the commands whose first argument is an identity
// name: the shells offer identity names there, and elsewhere only after -i
// and --identity.
func identityArgCommands(specs []cmdSpec) []string {
	var out []string
	for _, s := range specs {
		if s.arg == "identity" {
			out = append(out, s.name)
		}
	}
	return out
}

// valueSets groups the flags by the values they take, for case arms:
// "CMD:FLAG|CMD:FLAG" → values, in a stable order.
func valueSets(specs []cmdSpec) (pats []string, vals [][]string) {
	idx := map[string]int{}
	for _, s := range specs {
		flags := make([]string, 0, len(s.values))
		for f := range s.values {
			flags = append(flags, f)
		}
		sort.Strings(flags)
		for _, f := range flags {
			key := strings.Join(s.values[f], " ")
			i, ok := idx[key]
			if !ok {
				i = len(pats)
				idx[key] = i
				pats = append(pats, "")
				vals = append(vals, s.values[f])
			}
			if pats[i] != "" {
				pats[i] += "|"
			}
			pats[i] += s.name + ":" + f
		}
	}
	return pats, vals
}
