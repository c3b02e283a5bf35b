package formats

import (
	"bufio"
	"io"
	"strings"
)

// dotEscape escapes s for a DOT double-quoted string, where only \" is an
// escape for the parser and backslash sequences mean something in labels.
var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")

func dotEscape(s string) string { return dotEscaper.Replace(s) }

func dotQuote(s string) string { return `"` + dotEscape(s) + `"` }

// renderListGraphviz writes a DOT digraph: providers as boxes, identities as
// ellipses (bold when default), edges from base to chained identity.
func renderListGraphviz(w io.Writer, v *ListView) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("digraph atmos_auth {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n")
	label := func(name, kind string) string { return `"` + dotEscape(name) + `\n` + dotEscape(kind) + `"` }
	var ids func(parent string, list []IdentityView)
	ids = func(parent string, list []IdentityView) {
		for _, iv := range list {
			id := dotQuote("identity:" + iv.Name)
			attrs := "shape=ellipse, label=" + label(iv.Name, iv.Kind)
			if iv.Default {
				attrs += ", style=bold, penwidth=2"
			}
			bw.WriteString("  " + id + " [" + attrs + "];\n")
			if parent != "" {
				bw.WriteString("  " + parent + " -> " + id + ";\n")
			}
			ids(id, iv.Children)
		}
	}
	for _, p := range v.Providers {
		id := dotQuote("provider:" + p.Name)
		bw.WriteString("  " + id + " [shape=box, style=rounded, label=" + label(p.Name, p.Kind) + "];\n")
		ids(id, p.Identities)
	}
	if len(v.Standalone) > 0 {
		bw.WriteString("  subgraph cluster_standalone {\n    label=\"standalone\";\n    style=dashed;\n")
		for _, iv := range v.Standalone {
			bw.WriteString("    " + dotQuote("identity:"+iv.Name) + ";\n")
		}
		bw.WriteString("  }\n")
		ids("", v.Standalone)
	}
	for _, in := range v.Integrations {
		id := dotQuote("integration:" + in.Name)
		bw.WriteString("  " + id + " [shape=component, label=" + label(in.Name, in.Kind) + "];\n")
		bw.WriteString("  " + dotQuote("identity:"+in.Identity) + " -> " + id + " [style=dashed];\n")
	}
	bw.WriteString("}\n")
	return bw.Flush()
}
